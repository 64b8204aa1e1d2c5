"""One simulated channel and its transmitter, and the documented form of each value."""

from __future__ import annotations

from dataclasses import dataclass, field

from micboard.integrations.sennheiser.codec import Value
from micboard.integrations.sennheiser.families import Family, Reading

TX_NOT_PRESENT = 424
"""EW-DX guide, e.g. section 8.106: "424 indicates that TX is not present"."""


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
    warnings: list[str] = field(default_factory=list)

    def value(self, family: Family, reading: Reading) -> Value | Refused:
        """The value as the family's guide prints it, or the error the device answers instead."""
        if not self.transmitter_on and reading is not Reading.NAME:
            return self._absent(family, reading)
        values: dict[Reading, Value] = {
            Reading.NAME: self.name,
            Reading.MUTE: self.muted,
            Reading.TX_TYPE: self.tx_type_index if family.tx_types else self.tx_type,
            Reading.BATTERY_PERCENT: self.battery_percent,
            Reading.BATTERY_LIFETIME_S: self.lifetime_s,
            Reading.BATTERY_STATE_TIME: [
                _d6000_state(self.battery_percent),
                _clock(self.lifetime_s),
            ],
            Reading.WARNINGS: list[Value](self.warnings),
            Reading.RF_QUALITY_PERCENT: self.rf_quality,
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

    def meter(self) -> list[int]:
        """This channel's ``/mm`` row (TI 1109 section 8.100)."""
        if not self.transmitter_on:
            return [0, 0, 0, 0, 0, 0, 0, 0, 0]
        rf = max(0, min(255, round(self.rf_dbm * 2 + 255)))
        af = max(0, min(255, round((self.audio_dbfs + 128) * 2 - 1)))
        peak = 1 if self.audio_dbfs >= -1 else 0
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
