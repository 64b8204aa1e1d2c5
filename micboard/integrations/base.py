"""The driver interface: typed snapshots, the driver protocol and the registry.

Integrations never import Django models; they turn device conversations into
the frozen dataclasses below, which the service layer writes to the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from micboard.exceptions import DeviceError, UnknownProtocolError


@dataclass(frozen=True, slots=True)
class DeviceAddress:
    """Where a receiver answers and how long one conversation may take."""

    host: str
    port: int
    timeout: float = 2.0


@dataclass(frozen=True, slots=True)
class ChannelSnapshot:
    """One channel's values as the device reported them, already decoded.

    ``None`` means the device reported "unknown" (255, 65535, ``U``...) or the
    family has no such value. Levels use one scale for every family: ``rf_level`` is
    dBm + 128 (0-115) and ``audio_level`` is dBFS + 50 (0-50).
    """

    number: int
    name: str = ""
    frequency_khz: int | None = None
    battery_bars: int | None = None
    runtime_minutes: int | None = None
    tx_type: str = ""
    tx_offset_db: int | None = None
    rf_level: int | None = None
    audio_level: int | None = None
    antenna: str = ""
    audio_peak: bool = False
    has_battery: bool = True
    """``False`` for a transmitter without a battery (PSM1000): present whenever the device
    answers, so ``battery_bars`` is ``None`` without meaning "switched off"."""


@dataclass(frozen=True, slots=True)
class ReceiverSnapshot:
    """Everything one poll of a receiver learned: identity and every channel."""

    model: str = ""
    firmware: str = ""
    device_id: str = ""
    channels: tuple[ChannelSnapshot, ...] = field(default_factory=tuple)


@runtime_checkable
class Driver(Protocol):
    """A vendor driver: one blocking, time-bounded poll of one receiver."""

    protocol: str

    def channel_count(self, model: str) -> int:
        """Number of channels a model has; raises ``DeviceError`` for an unknown model."""
        ...

    def poll(self, address: DeviceAddress, *, channels: int) -> ReceiverSnapshot:
        """Read the whole receiver or raise ``DeviceError``; never returns a partial snapshot."""
        ...


class DriverRegistry:
    """Maps a receiver's ``protocol`` to the driver that speaks it."""

    def __init__(self, drivers: Iterable[Driver] = ()) -> None:
        self._drivers: dict[str, Driver] = {}
        for driver in drivers:
            self.register(driver)

    def register(self, driver: Driver) -> None:
        self._drivers[driver.protocol] = driver

    def get(self, protocol: str) -> Driver:
        try:
            return self._drivers[protocol]
        except KeyError:
            raise UnknownProtocolError(f"no driver for protocol {protocol!r}") from None

    def protocol_for_model(self, model: str) -> str | None:
        """The first registered protocol whose driver knows ``model``; ``None`` if none does."""
        for protocol, driver in self._drivers.items():
            try:
                driver.channel_count(model)
            except DeviceError:
                continue
            return protocol
        return None

    @property
    def protocols(self) -> tuple[str, ...]:
        return tuple(sorted(self._drivers))


__all__ = [
    "ChannelSnapshot",
    "DeviceAddress",
    "DeviceError",
    "Driver",
    "DriverRegistry",
    "ReceiverSnapshot",
]
