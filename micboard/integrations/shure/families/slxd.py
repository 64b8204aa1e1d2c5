"""The SLX-D family: its parameters and value encodings.

Like ULX-D on the wire, with ``TX_BATT_*`` battery values and a three-value ``SAMPLE``
(audio peak, audio RMS, RSSI, each offset by 120)."""

from __future__ import annotations

from collections.abc import Mapping

from micboard.integrations.base import AUDIO_PEAK_LEVEL, ChannelSnapshot
from micboard.integrations.shure.codec import Message, Verb
from micboard.integrations.shure.families.base import Family, expect_count
from micboard.integrations.shure.families.meters import (
    audio_from_offset120,
    offset120_from_audio,
    offset120_from_rf,
    peak_from_offset120,
    rf_from_offset120,
)
from micboard.integrations.shure.values import (
    format_battery_bars,
    format_channel_name,
    format_frequency_khz,
    format_runtime_minutes,
    format_tx_type,
    optional,
    parse_battery_bars,
    parse_channel_name,
    parse_frequency_khz,
    parse_runtime_minutes,
    parse_tx_type,
    required,
)

METER_PARAMS = ("AUDIO_LEVEL_PEAK", "AUDIO_LEVEL_RMS", "RSSI")
UNKNOWN_TX_TYPE = "UNKNOWN"


class SlxdFamily(Family):
    key = "SLXD"
    name = "SLX-D"
    protocol = "shure-slxd"
    models = {"SLXD4": 1, "SLXD4D": 2}
    channel_params = ("CHAN_NAME", "FREQUENCY", "TX_TYPE", "TX_BATT_BARS", "TX_BATT_MINS")
    meter_params = METER_PARAMS

    def channel_snapshot(self, number: int, raw: Mapping[str, str]) -> ChannelSnapshot:
        return ChannelSnapshot(
            number=number,
            name=parse_channel_name(required(raw, "CHAN_NAME")),
            frequency_khz=parse_frequency_khz(required(raw, "FREQUENCY")),
            battery_bars=parse_battery_bars(required(raw, "TX_BATT_BARS"), "TX_BATT_BARS"),
            runtime_minutes=parse_runtime_minutes(required(raw, "TX_BATT_MINS"), "TX_BATT_MINS"),
            tx_type=parse_tx_type(required(raw, "TX_TYPE"), UNKNOWN_TX_TYPE),
            rf_level=optional(raw, "RSSI", rf_from_offset120),
            audio_level=optional(raw, "AUDIO_LEVEL_RMS", audio_from_offset120),
            audio_peak=bool(optional(raw, "AUDIO_LEVEL_PEAK", peak_from_offset120)),
        )

    def sample_values(self, values: tuple[str, ...]) -> dict[str, str]:
        expect_count("SLX-D SAMPLE", values, len(METER_PARAMS))
        return dict(zip(METER_PARAMS, values, strict=True))

    def channel_reports(self, channel: ChannelSnapshot) -> dict[str, str]:
        return {
            "CHAN_NAME": format_channel_name(channel.name, self.name_width),
            "FREQUENCY": format_frequency_khz(channel.frequency_khz),
            "TX_TYPE": format_tx_type(channel.tx_type, UNKNOWN_TX_TYPE),
            "TX_BATT_BARS": format_battery_bars(channel.battery_bars),
            "TX_BATT_MINS": format_runtime_minutes(channel.runtime_minutes),
            **dict(zip(METER_PARAMS, _meters(channel), strict=True)),
        }

    def meter_messages(self, channel: ChannelSnapshot) -> list[Message]:
        return [Message(Verb.SAMPLE, channel.number, "ALL", _meters(channel))]


def _meters(channel: ChannelSnapshot) -> tuple[str, str, str]:
    audio = channel.audio_level or 0
    peak = max(audio, AUDIO_PEAK_LEVEL) if channel.audio_peak else audio
    return (
        offset120_from_audio(peak),
        offset120_from_audio(audio),
        offset120_from_rf(channel.rf_level or 0),
    )
