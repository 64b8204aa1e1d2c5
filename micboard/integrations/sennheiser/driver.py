"""One SSC driver per Sennheiser family: ``sennheiser-ssc-`` and the family key."""

from __future__ import annotations

from micboard.integrations.base import DeviceAddress, Driver, ModelDescription, ReceiverSnapshot
from micboard.integrations.sennheiser.client import read_receiver
from micboard.integrations.sennheiser.families import (
    EW_DX,
    FAMILIES,
    SSCV2_PROTOCOL,
    Family,
    UnknownSennheiserModelError,
    family_of,
    normalise,
)
from micboard.integrations.sennheiser.sscv2.client import read_receiver_v2


class SennheiserDriver:
    """Polls the receivers of one family over SSC (UDP port 45)."""

    def __init__(self, family: Family, protocol: str = "") -> None:
        self.family = family
        self.protocol = protocol or family.protocol

    @property
    def models(self) -> tuple[str, ...]:
        """The family's model numbers, upper case, with and without dashes."""
        return tuple(self.family.models)

    def describe(self, model: str) -> ModelDescription:
        """A catalogued model; raises ``UnknownSennheiserModelError`` (a ``DeviceError``)."""
        family, channels = family_of(model)
        if family is not self.family:
            raise UnknownSennheiserModelError(f"{model!r} is not a {self.protocol} model")
        return ModelDescription(normalise(model), family.key, family.name, channels, self.protocol)

    def poll(
        self, address: DeviceAddress, *, channels: int, request_form: str = ""
    ) -> ReceiverSnapshot:
        return read_receiver(address, family=self.family, channels=channels)


class SennheiserV2Driver(SennheiserDriver):
    """Polls EW-DX receivers over SSC v2 (HTTPS, firmware 4.x); the UDP driver stays for
    receivers left in the legacy mode (SSC v1)."""

    def __init__(self) -> None:
        super().__init__(EW_DX, SSCV2_PROTOCOL)

    def poll(
        self, address: DeviceAddress, *, channels: int, request_form: str = ""
    ) -> ReceiverSnapshot:
        return read_receiver_v2(address, family=self.family, channels=channels)


def sennheiser_drivers() -> list[Driver]:
    """UDP first: a model both speak is described as UDP unless SSC v2 is chosen."""
    return [*(SennheiserDriver(family) for family in FAMILIES), SennheiserV2Driver()]
