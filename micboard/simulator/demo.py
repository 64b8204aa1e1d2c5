"""The demo venue's receivers, and receivers for any mix of models or families."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from micboard.integrations.shure.families import FAMILIES, receiver_model
from micboard.integrations.shure.specs import ReceiverSpec, receiver_spec

DEMO_MODELS = ("ULXD4Q", "ULXD4D", "ULXD4", "QLXD4", "ULXD4D", "QLXD4", "ULXD4Q", "ULXD4")
ALL_FAMILIES_MODELS = (
    "ULXD4Q", "QLXD4", "SLXD4D", "AD4Q", "UR4D", "P10T",
    "ULXD4D", "SLXD4", "AD4D", "UR4S", "ULXD4", "P10T",
)  # fmt: skip
"""A demo venue with every family: ULX-D, QLX-D, SLX-D, Axient Digital, UHF-R, PSM1000."""
FAMILY_NAMES = tuple(family.name for family in FAMILIES)


def demo_specs(
    count: int | None = None,
    *,
    models: Sequence[str] | None = None,
    families: Iterable[str] | None = None,
) -> list[ReceiverSpec]:
    """The demo venue, deterministic: ``models`` round-robin (default ``DEMO_MODELS``,
    ULX-D and QLX-D), or every model of ``families`` (names as in ``FAMILY_NAMES``, or
    ``all``). ``count`` defaults to one receiver per model."""
    chosen = tuple(models or ()) or models_of_families(families or ()) or DEMO_MODELS
    return specs_for_models(chosen, len(chosen) if count is None else count)


def models_of_families(families: Iterable[str]) -> tuple[str, ...]:
    """Every model of the named families (``all``: every family); raises ``ValueError``."""
    wanted = {name.strip().upper() for name in families if name.strip()}
    if "ALL" in wanted:
        return ALL_FAMILIES_MODELS
    unknown = wanted - {name.upper() for name in FAMILY_NAMES}
    if unknown:
        known = ", ".join(FAMILY_NAMES)
        raise ValueError(f"unknown family {sorted(unknown)[0]!r} (known: {known}, all)")
    return tuple(
        model for family in FAMILIES if family.name.upper() in wanted for model in family.models
    )


def specs_for_models(models: Sequence[str], count: int) -> list[ReceiverSpec]:
    """``count`` receivers taking ``models`` round-robin; raises ``DeviceError`` for an
    unknown model."""
    for model in models:
        receiver_model(model)
    return [receiver_spec(models[i % len(models)], i) for i in range(count)]
