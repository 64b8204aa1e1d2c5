"""ULX-D and QLX-D, as Shure's ULX-D command strings define them.

``< ... >`` over TCP 2202, ``GET n ALL``, battery as ``BATT_BARS`` and ``BATT_RUN_TIME``,
six-digit ``FREQUENCY``, ``TX_TYPE`` (``UNKN`` when none), ``TX_OFFSET`` as dB + 12 (plain
dB on QLX-D) and metering as ``SAMPLE n ALL <antennas> <RF> <audio>`` (dBm + 128, dBFS + 50).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import ClassVar

from micboard.integrations.base import AUDIO_PEAK_LEVEL, ChannelSnapshot
from micboard.integrations.shure.codec import Message, Verb, quote
from micboard.integrations.shure.families.base import Family, expect_count
from micboard.integrations.shure.values import (
    METER_PARAMS,
    format_audio_gain_db,
    format_audio_level,
    format_battery_bars,
    format_channel_name,
    format_frequency_khz,
    format_rf_level,
    format_runtime_minutes,
    format_tx_offset_db,
    format_tx_type,
    optional,
    parse_antenna,
    parse_audio_gain_db,
    parse_audio_level,
    parse_battery_bars,
    parse_channel_name,
    parse_frequency_khz,
    parse_rf_level,
    parse_runtime_minutes,
    parse_tx_offset_db,
    parse_tx_type,
    required,
)

TX_OFFSET_BIAS = 12
"""ULX-D's document: ``TX_OFFSET`` 000-033 is the value - 12 dB (-12 to +21)."""
DEVICE_WIDTHS = {"MODEL": 32, "FW_VER": 24, "DEVICE_ID": 8}
"""The padding of each device value in the document's replies (it has no ``RF_BAND``)."""


class UlxdFamily(Family):
    key = "ULXD"
    name = "ULX-D"
    protocol = "shure-tcp"
    models = {"ULXD4": 1, "ULXD4D": 2, "ULXD4Q": 4}
    channel_params = ("CHAN_NAME", "FREQUENCY", "BATT_BARS", "BATT_RUN_TIME", "TX_TYPE")
    meter_params = METER_PARAMS
    name_width = 8
    """The document's ``CHAN_NAME`` is 8 characters, padded; the simulator answers a longer
    ``SET`` with ``REP ERR`` ("values are out of range")."""
    set_frequency_digits = 6
    settings_by_get = ("AUDIO_GAIN",)  # Command Strings > AUDIO_GAIN
    tx_offset_bias: ClassVar[int] = TX_OFFSET_BIAS

    def device_reports(
        self, *, model: str, firmware: str, device_id: str, rf_band: str
    ) -> dict[str, str]:
        values = {"MODEL": model, "FW_VER": firmware, "DEVICE_ID": device_id}
        return {param: quote(values[param], width) for param, width in DEVICE_WIDTHS.items()}

    def channel_snapshot(self, number: int, raw: Mapping[str, str]) -> ChannelSnapshot:
        audio = optional(raw, "AUDIO_LVL", parse_audio_level)
        return ChannelSnapshot(
            number=number,
            name=parse_channel_name(required(raw, "CHAN_NAME")),
            frequency_khz=parse_frequency_khz(required(raw, "FREQUENCY")),
            battery_bars=parse_battery_bars(required(raw, "BATT_BARS")),
            runtime_minutes=parse_runtime_minutes(required(raw, "BATT_RUN_TIME")),
            tx_type=parse_tx_type(required(raw, "TX_TYPE")),
            tx_offset_db=optional(
                raw, "TX_OFFSET", partial(parse_tx_offset_db, bias=self.tx_offset_bias)
            ),
            rf_level=optional(raw, "RX_RF_LVL", parse_rf_level),
            audio_level=audio,
            antenna=optional(raw, "RF_ANTENNA", parse_antenna) or "",
            audio_peak=audio is not None and audio >= AUDIO_PEAK_LEVEL,
            audio_gain_db=optional(raw, "AUDIO_GAIN", parse_audio_gain_db),
        )

    def sample_values(self, values: tuple[str, ...]) -> dict[str, str]:
        expect_count("SAMPLE", values, len(METER_PARAMS))
        return dict(zip(METER_PARAMS, values, strict=True))

    def channel_reports(self, channel: ChannelSnapshot) -> dict[str, str]:
        return {
            "CHAN_NAME": format_channel_name(channel.name, self.name_width),
            "AUDIO_GAIN": format_audio_gain_db(channel.audio_gain_db or 0),
            "FREQUENCY": format_frequency_khz(channel.frequency_khz),
            "TX_TYPE": format_tx_type(channel.tx_type),
            "TX_OFFSET": format_tx_offset_db(channel.tx_offset_db, self.tx_offset_bias),
            "BATT_BARS": format_battery_bars(channel.battery_bars),
            "BATT_RUN_TIME": format_runtime_minutes(channel.runtime_minutes),
            **dict(zip(METER_PARAMS, _meters(channel), strict=True)),
        }

    def meter_messages(self, channel: ChannelSnapshot) -> list[Message]:
        return [Message(Verb.SAMPLE, channel.number, "ALL", _meters(channel))]


class QlxdFamily(UlxdFamily):
    """QLX-D keeps ``TX_OFFSET`` in plain dB, as Shure's own micboard reads it; the QLX-D
    document is not confirmed on this (see docs/protocols/shure.md)."""

    key = "QLXD"
    name = "QLX-D"
    models = {"QLXD4": 1}
    tx_offset_bias = 0


def _meters(channel: ChannelSnapshot) -> tuple[str, str, str]:
    return (
        channel.antenna or "XX",
        format_rf_level(channel.rf_level or 0),
        format_audio_level(channel.audio_level or 0),
    )
