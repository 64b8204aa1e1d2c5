"""One driver per Shure wire dialect; each knows its family's models.

``shure-tcp`` (ULX-D, QLX-D) keeps its name from the first release; the others are
``shure-slxd``, ``shure-axient``, ``shure-psm1000`` (TCP 2202) and ``shure-uhfr`` (UDP).
"""

from __future__ import annotations

from micboard.integrations.base import DeviceAddress, Driver, ModelDescription, ReceiverSnapshot
from micboard.integrations.shure.client import read_receiver
from micboard.integrations.shure.families import (
    FAMILIES,
    Family,
    UnknownModelError,
    families_for_protocol,
    receiver_model,
)


class ShureDriver:
    """Polls the receivers of the families that share one protocol name."""

    def __init__(self, protocol: str) -> None:
        self.protocol = protocol
        self._families = families_for_protocol(protocol)
        if not self._families:
            raise ValueError(f"no Shure family speaks {protocol!r}")

    @property
    def family(self) -> Family:
        """The family whose dialect this driver speaks (ULX-D for ULX-D and QLX-D)."""
        return self._families[0]

    @property
    def models(self) -> tuple[str, ...]:
        return tuple(model for family in self._families for model in family.models)

    def describe(self, model: str) -> ModelDescription:
        """A catalogued model; raises ``UnknownModelError`` (a ``DeviceError``)."""
        info = receiver_model(model)
        if info.family not in self._families:
            names = ", ".join(m for f in self._families for m in f.models)
            raise UnknownModelError(f"{info.name} is not a {self.protocol} model (those: {names})")
        family = info.family
        return ModelDescription(info.name, family.key, family.name, info.channels, self.protocol)

    def poll(
        self, address: DeviceAddress, *, channels: int, request_form: str = ""
    ) -> ReceiverSnapshot:
        return read_receiver(address, family=self.family, channels=channels, form=request_form)


def shure_drivers() -> list[Driver]:
    protocols = dict.fromkeys(family.protocol for family in FAMILIES)
    return [ShureDriver(protocol) for protocol in protocols]
