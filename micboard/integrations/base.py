"""The driver interface: typed snapshots, the driver protocol and the registry.

Integrations never import Django models; they turn device conversations into
the frozen dataclasses below, which the service layer writes to the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from micboard.exceptions import DeviceError, UnknownProtocolError

# The level scales every driver reports in, whatever its device sends (ULX-D's own):
MAX_RF_LEVEL = 115
"""``rf_level`` runs 0-115: dBm + ``RF_DBM_OFFSET``, so -128 dBm to -13 dBm."""
RF_DBM_OFFSET = 128
MAX_AUDIO_LEVEL = 50
"""``audio_level`` runs 0-50: dBFS + ``AUDIO_DBFS_OFFSET``, so -50 dBFS to 0 dBFS."""
AUDIO_DBFS_OFFSET = 50
AUDIO_PEAK_LEVEL = 40
"""-10 dBFS on the audio scale: at or above it a channel peaks."""


@dataclass(frozen=True, slots=True)
class DeviceAddress:
    """Where a receiver answers and how long one conversation may take."""

    host: str
    port: int
    timeout: float = 2.0
    password: str = field(default="", repr=False)
    """The device's own credential where its protocol needs one (SSC v2), else empty."""
    pinned_certificate: str = ""
    """SHA-256 of the certificate pinned for the device (hex), empty before the first."""


@dataclass(frozen=True, slots=True)
class ChannelSnapshot:
    """One channel's values as the device reported them, already decoded.

    ``None`` means the device reported "unknown" (255, 65535, ``U``...) or the
    family has no such value. Levels use one scale for every family (``MAX_RF_LEVEL``,
    ``MAX_AUDIO_LEVEL`` and their offsets above).
    """

    number: int
    name: str = ""
    frequency_khz: int | None = None
    battery_bars: int | None = None
    runtime_minutes: int | None = None
    tx_type: str = ""
    tx_offset_db: int | None = None
    rf_level: int | None = None
    rf_levels: tuple[int, ...] = ()
    """RF per antenna (A, B...) on the ``rf_level`` scale, where the device reports each;
    ``rf_level`` is the strongest. Empty: only ``rf_level`` is known."""
    rf_quality: int | None = None
    """Link or signal quality in percent (0 worst, 100 best), where the device reports one."""
    audio_level: int | None = None
    antenna: str = ""
    audio_peak: bool = False
    has_battery: bool = True
    """``False`` for a transmitter without a battery (PSM1000): present whenever the device
    answers, so ``battery_bars`` is ``None`` without meaning "switched off"."""
    battery_percent: int | None = None
    """The gauge in percent, where the transmitter reports one (Sennheiser); ``battery_bars``
    then holds the same charge on the 0-5 scale."""
    muted: bool | None = None
    """The channel's mute, where the device reports it."""
    warnings: tuple[str, ...] = ()
    """The device's own warnings for the channel, as it words them."""
    audio_gain_db: int | None = None
    """The receiver's audio gain in dB, where the device reports it (Shure ``AUDIO_GAIN``)."""
    group_channel: str = ""
    """The frequency's group and channel as ``g,c``, where the device reports them; empty
    when it reports none (tuned directly) or has no such value."""


@dataclass(frozen=True, slots=True)
class PollDiagnostics:
    """How a poll went, beyond its values: what it skipped, asked again, and how it asked."""

    skipped_messages: int = 0
    """Messages dropped as malformed or of an unexpected shape (the poll went on)."""
    last_skipped: str = ""
    """Why the latest of those was dropped."""
    resent_requests: int = 0
    """Single requests sent again for values that did not arrive."""
    request_form: str = ""
    """The driver's name for the request form that worked, handed back on the next poll."""
    certificate: str = ""
    """SHA-256 (hex) of the TLS certificate the device presented, where it speaks TLS."""


@dataclass(frozen=True, slots=True)
class ReceiverSnapshot:
    """Everything one poll of a receiver learned: identity and every channel.

    An empty ``model``, ``firmware`` or ``device_id`` means the device did not report it.
    """

    model: str = ""
    firmware: str = ""
    device_id: str = ""
    channels: tuple[ChannelSnapshot, ...] = field(default_factory=tuple)
    diagnostics: PollDiagnostics = field(default_factory=PollDiagnostics)


@dataclass(frozen=True, slots=True)
class ModelDescription:
    """What a driver knows of a receiver model (see ``docs/glossary.md``)."""

    model: str
    """The model number, upper case (``AD4Q``)."""
    family: str
    """The family's id, as receivers store it (``AD``)."""
    family_name: str
    """What people call the family (``Axient Digital``)."""
    channels: int
    protocol: str
    """The id of the driver that speaks to it (``shure-axient``)."""


@runtime_checkable
class Driver(Protocol):
    """A vendor driver: one blocking, time-bounded poll of one receiver."""

    protocol: str

    @property
    def models(self) -> tuple[str, ...]:
        """The model numbers it speaks, upper-case."""
        ...

    def describe(self, model: str) -> ModelDescription:
        """The model's family, channels and protocol; raises ``DeviceError`` for a model
        this driver does not speak."""
        ...

    def poll(
        self, address: DeviceAddress, *, channels: int, request_form: str = ""
    ) -> ReceiverSnapshot:
        """Read the whole receiver or raise ``DeviceError``; never returns a partial snapshot.

        ``request_form`` is what the previous snapshot's diagnostics named ("" the first
        time); a driver ignores a form it does not know."""
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

    def describe(self, model: str) -> ModelDescription | None:
        """``model`` as the first registered driver that speaks it describes it; ``None``
        when no driver does."""
        for driver in self._drivers.values():
            try:
                return driver.describe(model)
            except DeviceError:
                continue
        return None

    @property
    def protocols(self) -> tuple[str, ...]:
        return tuple(sorted(self._drivers))

    @property
    def models(self) -> tuple[str, ...]:
        """Every model number some registered driver speaks."""
        return tuple(sorted({m for driver in self._drivers.values() for m in driver.models}))


__all__ = [
    "ChannelSnapshot",
    "DeviceAddress",
    "DeviceError",
    "Driver",
    "DriverRegistry",
    "ModelDescription",
    "PollDiagnostics",
    "ReceiverSnapshot",
]
