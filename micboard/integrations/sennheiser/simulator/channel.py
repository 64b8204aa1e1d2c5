"""One simulated channel and its transmitter, and the documented form of each value."""

from __future__ import annotations

from dataclasses import dataclass, field

from micboard.integrations.sennheiser.codec import Value
from micboard.integrations.sennheiser.errors import TX_NOT_PRESENT
from micboard.integrations.sennheiser.families import Family, Reading

FULL_CHARGE_MINUTES = 600
"""A full battery's runtime in the simulator (as the Shure simulator's)."""


@dataclass(frozen=True, slots=True)
class Refused:
    """The address is answered with this SSC error code instead of a value."""

    code: int


@dataclass
class SimulatedChannel:
    number: int
    name: str = ""
    transmitter_on: bool = True
    muted: bool = False
    battery_percent: int = 80
    lifetime_s: int = 14_400
    tx_type: str = "SKM"
    tx_type_index: int = 0
    rf_dbm: float = -60.0
    audio_dbfs: float = -30.0
    rf_quality: int = 90
    """Link quality in percent: SL MCR ``/rx1/rf_quality``, EM 6000 ``/mm`` LQI."""
    frequency_khz: int = 0
    rf_dropout: bool = False
    """The link is lost: no RF, no audio, no quality (the transmitter stays on)."""
    audio_peaking: bool = False
    """Audio close to full scale, with the family's peak warning."""
    charge: float = field(default=-1.0, repr=False)
    """The battery's exact charge in percent behind ``battery_percent`` (-1: take it)."""

    def discharge(self, minutes: float) -> None:
        """Run down by ``minutes`` of a ``FULL_CHARGE_MINUTES`` charge."""
        if self.charge < 0:
            self.charge = float(self.battery_percent)
        self.charge = max(0.0, self.charge - minutes * 100 / FULL_CHARGE_MINUTES)
        self.battery_percent = round(self.charge)
        self.lifetime_s = round(self.charge * FULL_CHARGE_MINUTES * 60 / 100)

    warnings: list[str] = field(default_factory=list)

    def value(self, family: Family, reading: Reading) -> Value | Refused:
        """The value as the family's guide prints it, or the error the device answers instead.
        Without a link (transmitter off, or RF lost) a transmitter's values are absent."""
        if not (self.transmitter_on and not self.rf_dropout) and reading is not Reading.NAME:
            return self._absent(family, reading)
        values: dict[Reading, Value] = {
            Reading.NAME: self.name,
            Reading.MUTE: self.muted,
            Reading.TX_TYPE: self.tx_type_index if family.tx_types else self.tx_type,
            Reading.BATTERY_PERCENT: self.battery_percent,
            Reading.BATTERY_BARS: -(-self.battery_percent // 20),  # the simulator's 0-5 bars
            Reading.BATTERY_LIFETIME_S: self.lifetime_s,
            Reading.BATTERY_STATE_TIME: [
                _d6000_state(self.battery_percent),
                _clock(self.lifetime_s),
            ],
            Reading.WARNINGS: list[Value](self._warnings(family)),
            Reading.RF_QUALITY_PERCENT: 0 if self.rf_dropout else self.rf_quality,
        }
        return values[reading]

    def _absent(self, family: Family, reading: Reading) -> Value | Refused:
        if reading is Reading.RF_QUALITY_PERCENT:
            return 0  # no precondition in the guide (11.58): answered, with no link to rate
        if reading is Reading.BATTERY_STATE_TIME:
            return []  # TI 1109 section 8.27: "An empty array indicates ... not present"
        if reading is Reading.MUTE and family.key == "D6000":
            return self.muted  # the receiver's own audio mute, not the transmitter's
        if reading is Reading.WARNINGS and family.key == "D6000":
            return ["NoLink"]
        return Refused(TX_NOT_PRESENT)

    def _warnings(self, family: Family) -> list[str]:
        """The warnings set, with the family's peak warning while the audio peaks
        (EM 6000 ``AFPeak``, 8.46; EW-DX ``AfPeak``, 8.107)."""
        peak = {"D6000": "AFPeak", "EWDX": "AfPeak"}.get(family.key)
        if self.audio_peaking and peak and peak not in self.warnings:
            return [*self.warnings, peak]
        return list(self.warnings)

    def meter(self) -> list[int]:
        """This channel's ``/mm`` row (TI 1109 section 8.100)."""
        if not self.transmitter_on or self.rf_dropout:
            return [0, 0, 0, 0, 0, 0, 0, 0, 0]
        audio_dbfs = -0.5 if self.audio_peaking else self.audio_dbfs
        rf = max(0, min(255, round(self.rf_dbm * 2 + 255)))
        af = max(0, min(255, round((audio_dbfs + 128) * 2 - 1)))
        peak = 1 if audio_dbfs >= -1 else 0
        lqi = max(0, min(255, round(self.rf_quality * 255 / 100)))
        return [rf, 0, max(0, rf - 30), 0, 1, 1, lqi, af, peak]


def _d6000_state(percent: int) -> str:
    """The EM 6000 reports four steps: "100%", "70%", "30%", "low" (TI 1109 section 8.27)."""
    if percent > 70:
        return "100%"
    if percent > 30:
        return "70%"
    if percent > 10:
        return "30%"
    return "low"


def _clock(seconds: int) -> str:
    minutes = max(0, seconds) // 60
    return f"{minutes // 60}:{minutes % 60:02d}"
