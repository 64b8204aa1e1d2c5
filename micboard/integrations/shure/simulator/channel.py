"""One simulated channel: its transmitter, battery and meters, whatever the family."""

from __future__ import annotations

import random
from dataclasses import dataclass

from micboard.integrations.base import AUDIO_PEAK_LEVEL, ChannelSnapshot
from micboard.integrations.shure.simulator import meters
from micboard.integrations.shure.specs import (
    FULL_RUNTIME_MINUTES,
    ChannelSpec,
    battery_bars_for,
)

SWAP_TICKS = 3
IDLE_RF, IDLE_AUDIO = meters.TYPICAL_RF, 20
PEAK_AUDIO = 48
NO_RF = (0, 0)


@dataclass(slots=True)
class SimulatedChannel:
    name: str
    frequency_khz: int
    transmitter: str
    tx_offset_db: int
    has_battery: bool
    runtime_minutes: int | None = None
    battery_bars: int | None = None
    rf_level: int = 0
    rf_levels: tuple[int, ...] = NO_RF
    """Per antenna (A, B); ``rf_level`` is the strongest."""
    audio_level: int = 0
    programme_level: int = IDLE_AUDIO
    antenna: str = "XX"
    swap_ticks_left: int = 0
    rf_dropout: bool = False
    peaking: bool = False
    saved_battery: tuple[int | None, int | None] | None = None
    audio_gain_db: int = 0
    group_channel: str = ""
    """The group and channel tuned to (``1,1``); empty once tuned by frequency."""

    @classmethod
    def from_spec(cls, spec: ChannelSpec, *, has_battery: bool) -> SimulatedChannel:
        channel = cls(
            spec.name, spec.frequency_khz, spec.transmitter, spec.tx_offset_db, has_battery
        )
        runtime = spec.runtime_minutes if has_battery else None
        channel.set_battery(None if runtime is None else battery_bars_for(runtime), runtime)
        return channel

    @property
    def transmitter_on(self) -> bool:
        return not self.has_battery or self.battery_bars is not None

    def set_battery(self, bars: int | None, runtime_minutes: int | None) -> None:
        if self.has_battery:
            self.battery_bars = bars
            self.runtime_minutes = None if bars is None else runtime_minutes
        self.swap_ticks_left = 0
        self._settle_meters()

    def drain(self, minutes: int) -> None:
        """Run the battery down; when empty, the transmitter is off a while, then full."""
        if self.swap_ticks_left:
            self.swap_ticks_left -= 1
            if not self.swap_ticks_left:
                self.set_battery(5, FULL_RUNTIME_MINUTES)
        elif self.runtime_minutes is not None and minutes > 0:
            runtime = max(0, self.runtime_minutes - minutes)
            if runtime:
                self.battery_bars, self.runtime_minutes = battery_bars_for(runtime), runtime
            else:
                self.set_battery(None, None)
                self.swap_ticks_left = SWAP_TICKS

    def set_transmitter(self, on: bool) -> None:
        """Switch the transmitter off (keeping its battery) or back on."""
        if not on and self.battery_bars is not None:
            self.saved_battery = (self.battery_bars, self.runtime_minutes)
            self.set_battery(None, None)
        elif on and self.battery_bars is None and self.has_battery:
            bars, runtime = self.saved_battery or (5, FULL_RUNTIME_MINUTES)
            self.saved_battery = None
            self.set_battery(bars, runtime)

    def tune(self, frequency_khz: int) -> None:
        """Tune to a frequency directly: the channel is then in no group."""
        self.frequency_khz = frequency_khz
        self.group_channel = ""

    def set_rf_dropout(self, dropout: bool) -> None:
        self.rf_dropout = dropout
        self._settle_meters()

    def set_peaking(self, peaking: bool) -> None:
        self.peaking = peaking
        self._settle_meters()

    def step_meters(self, rng: random.Random, seconds: float) -> None:
        """Move the meters by one step of ``seconds`` (the model is in ``meters``)."""
        if not self._live:
            return
        self.rf_levels = meters.step_rf(self.rf_levels, rng)
        self.rf_level = max(self.rf_levels)
        self.antenna = meters.lit_antennas(self.rf_levels)
        self.programme_level = meters.step_programme(self.programme_level, rng)
        peak = meters.peaks(seconds, rng) or self.peaking
        self.audio_level = meters.peak_level(rng) if peak else self.programme_level

    def snapshot(self, number: int) -> ChannelSnapshot:
        on = self.transmitter_on
        return ChannelSnapshot(
            number=number,
            name=self.name,
            frequency_khz=self.frequency_khz,
            battery_bars=self.battery_bars,
            runtime_minutes=self.runtime_minutes,
            tx_type=self.transmitter if on else "",
            tx_offset_db=self.tx_offset_db if on else None,
            rf_level=self.rf_level,
            rf_levels=self.rf_levels,
            audio_level=self.audio_level,
            antenna=self.antenna,
            audio_peak=self.audio_level >= AUDIO_PEAK_LEVEL,
            has_battery=self.has_battery,
            audio_gain_db=self.audio_gain_db,
            group_channel=self.group_channel,
        )

    @property
    def _live(self) -> bool:
        return self.transmitter_on and not self.rf_dropout

    def _settle_meters(self) -> None:
        if not self._live:
            self.rf_level, self.rf_levels, self.audio_level, self.antenna = 0, NO_RF, 0, "XX"
            return
        if self.antenna == "XX":
            self.rf_level, self.rf_levels, self.antenna = IDLE_RF, (IDLE_RF, IDLE_RF), "AB"
            self.audio_level = self.programme_level = IDLE_AUDIO
        if self.peaking:
            self.audio_level = PEAK_AUDIO
        elif self.audio_level >= AUDIO_PEAK_LEVEL:
            self.audio_level = IDLE_AUDIO
