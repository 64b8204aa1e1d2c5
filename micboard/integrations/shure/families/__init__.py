"""Every Shure family micboard speaks, and the model catalogue built from them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from micboard.integrations.shure.codec import unquote
from micboard.integrations.shure.families.axient import AxientFamily
from micboard.integrations.shure.families.base import (
    Family,
    RequestForm,
    Transport,
    UnknownModelError,
)
from micboard.integrations.shure.families.psm import PsmFamily
from micboard.integrations.shure.families.slxd import SlxdFamily
from micboard.integrations.shure.families.uhfr import UhfrFamily
from micboard.integrations.shure.families.ulxd import QlxdFamily, UlxdFamily

FAMILIES: tuple[Family, ...] = (
    UlxdFamily(),
    QlxdFamily(),
    SlxdFamily(),
    AxientFamily(),
    UhfrFamily(),
    PsmFamily(),
)


@dataclass(frozen=True, slots=True)
class ReceiverModel:
    name: str
    family: Family
    channels: int


MODELS: Mapping[str, ReceiverModel] = {
    model: ReceiverModel(model, family, channels)
    for family in FAMILIES
    for model, channels in family.models.items()
}


def receiver_model(name: str) -> ReceiverModel:
    """Catalogue entry for a model name as a device reports it (case and padding ignored)."""
    key = unquote(name).upper()
    try:
        return MODELS[key]
    except KeyError:
        known = ", ".join(MODELS)
        raise UnknownModelError(f"unknown Shure receiver model {key!r} (known: {known})") from None


def families_for_protocol(protocol: str) -> tuple[Family, ...]:
    return tuple(family for family in FAMILIES if family.protocol == protocol)


__all__ = [
    "FAMILIES",
    "MODELS",
    "Family",
    "ReceiverModel",
    "RequestForm",
    "Transport",
    "UnknownModelError",
    "families_for_protocol",
    "receiver_model",
]
