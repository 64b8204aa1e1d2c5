"""SLX-D (SLXD4, SLXD4D, SLXD4Q+), as Shure's SLX-D command strings define it.

Seven-digit ``FREQUENCY`` (a ``SET`` takes six), ``TX_MODEL`` (``SLXD1``, ``SLXD2``,
``UNKNOWN``), ``TX_BATT_BARS`` and ``TX_BATT_MINS``, names padded to 31 characters,
``AUDIO_GAIN`` as dB + 18 and ``GROUP_CHANNEL`` as ``{g,c}``. A ``GET`` of ``RSSI``
answers one report per antenna (``REP n RSSI 1 083``); metering is
``SAMPLE n ALL <audio peak> <audio RMS> <RSSI>``, each value - 120 (dBFS, dBm).
"""

from __future__ import annotations

from collections.abc import Mapping

from micboard.integrations.base import AUDIO_PEAK_LEVEL, ChannelSnapshot
from micboard.integrations.shure.codec import Message, Verb, quote
from micboard.integrations.shure.families.base import Family, expect_count
from micboard.integrations.shure.families.meters import (
    audio_from_offset120,
    offset120_from_audio,
    offset120_from_rf,
    peak_from_offset120,
    reported_antennas,
    rf_from_offset120,
)
from micboard.integrations.shure.values import (
    NO_GROUP_CHANNEL,
    format_audio_gain_db,
    format_battery_bars,
    format_channel_name,
    format_frequency_khz,
    format_group_channel,
    format_runtime_minutes,
    format_tx_type,
    group_channel_text,
    optional,
    parse_audio_gain_db,
    parse_battery_bars,
    parse_channel_name,
    parse_frequency_khz,
    parse_group_channel,
    parse_runtime_minutes,
    parse_tx_type,
    required,
)

FREQUENCY_DIGITS = 7
UNKNOWN_TX_MODEL = "UNKNOWN"
SAMPLE_PARAMS = ("AUDIO_LEVEL_PEAK", "AUDIO_LEVEL_RMS", "RSSI")
ANTENNAS = ("1", "2")
RSSI_KEYS = ("RSSI", *(f"RSSI {antenna}" for antenna in ANTENNAS))
GROUP_CHANNEL_WIDTH = 5
IDLE_ANTENNA_DROP = 6
"""How much weaker the simulator's idle antenna hears the transmitter (shared RF scale)."""
DEVICE_WIDTHS = {"MODEL": 32, "FW_VER": 24, "DEVICE_ID": 8, "RF_BAND": 8}
"""The padding of each device value in the document's replies."""


class SlxdFamily(Family):
    key = "SLXD"
    name = "SLX-D"
    protocol = "shure-slxd"
    models = {"SLXD4": 1, "SLXD4D": 2, "SLXD4Q+": 4}
    channel_params = ("CHAN_NAME", "FREQUENCY", "TX_MODEL", "TX_BATT_BARS", "TX_BATT_MINS")
    meter_params = (*SAMPLE_PARAMS[:2], *RSSI_KEYS)
    meters_by_get = ("RSSI",)  # Command Strings > RSSI: one REP per antenna
    settings_by_get = ("AUDIO_GAIN", "GROUP_CHANNEL")  # Command Strings > each by name
    set_frequency_digits = 6

    def report_item(self, param: str, values: tuple[str, ...]) -> tuple[str, str]:
        """``REP n RSSI <antenna> <value>`` is kept per antenna, as ``RSSI 1`` and ``RSSI 2``."""
        if param == "RSSI" and len(values) == 2:
            return f"RSSI {values[0]}", values[1]
        return super().report_item(param, values)

    def device_reports(
        self, *, model: str, firmware: str, device_id: str, rf_band: str
    ) -> dict[str, str]:
        values = {"MODEL": model, "FW_VER": firmware, "DEVICE_ID": device_id, "RF_BAND": rf_band}
        return {param: quote(values[param], width) for param, width in DEVICE_WIDTHS.items()}

    def channel_snapshot(self, number: int, raw: Mapping[str, str]) -> ChannelSnapshot:
        rssi = [rf_from_offset120(raw[key]) for key in RSSI_KEYS if key in raw]
        return ChannelSnapshot(
            number=number,
            name=parse_channel_name(required(raw, "CHAN_NAME")),
            frequency_khz=parse_frequency_khz(required(raw, "FREQUENCY"), FREQUENCY_DIGITS),
            battery_bars=parse_battery_bars(required(raw, "TX_BATT_BARS"), "TX_BATT_BARS"),
            runtime_minutes=parse_runtime_minutes(required(raw, "TX_BATT_MINS"), "TX_BATT_MINS"),
            tx_type=parse_tx_type(required(raw, "TX_MODEL"), UNKNOWN_TX_MODEL),
            rf_level=max(rssi) if rssi else None,
            rf_levels=reported_antennas(raw, RSSI_KEYS[1:], rf_from_offset120),
            audio_level=optional(raw, "AUDIO_LEVEL_RMS", audio_from_offset120),
            audio_peak=bool(optional(raw, "AUDIO_LEVEL_PEAK", peak_from_offset120)),
            audio_gain_db=optional(raw, "AUDIO_GAIN", parse_audio_gain_db),
            group_channel=group_channel_text(optional(raw, "GROUP_CHANNEL", parse_group_channel)),
        )

    def sample_values(self, values: tuple[str, ...]) -> dict[str, str]:
        expect_count("SLX-D SAMPLE", values, len(SAMPLE_PARAMS))
        return dict(zip(SAMPLE_PARAMS, values, strict=True))

    def channel_reports(self, channel: ChannelSnapshot) -> dict[str, str]:
        peak, rms, _ = _sample(channel)
        return {
            "CHAN_NAME": format_channel_name(channel.name, self.name_width),
            "AUDIO_GAIN": format_audio_gain_db(channel.audio_gain_db or 0),
            "GROUP_CHANNEL": format_group_channel(
                parse_group_channel(channel.group_channel or NO_GROUP_CHANNEL), GROUP_CHANNEL_WIDTH
            ),
            "FREQUENCY": format_frequency_khz(channel.frequency_khz, FREQUENCY_DIGITS),
            "TX_MODEL": format_tx_type(channel.tx_type, UNKNOWN_TX_MODEL),
            "TX_BATT_BARS": format_battery_bars(channel.battery_bars),
            "TX_BATT_MINS": format_runtime_minutes(channel.runtime_minutes),
            "AUDIO_LEVEL_PEAK": peak,
            "AUDIO_LEVEL_RMS": rms,
            **dict(zip(RSSI_KEYS[1:], _antennas(channel), strict=True)),
        }

    def meter_messages(self, channel: ChannelSnapshot) -> list[Message]:
        return [Message(Verb.SAMPLE, channel.number, "ALL", _sample(channel))]


def _sample(channel: ChannelSnapshot) -> tuple[str, str, str]:
    audio = channel.audio_level or 0
    peak = max(audio, AUDIO_PEAK_LEVEL) if channel.audio_peak else audio
    return (
        offset120_from_audio(peak),
        offset120_from_audio(audio),
        offset120_from_rf(channel.rf_level or 0),
    )


def _antennas(channel: ChannelSnapshot) -> tuple[str, str]:
    """Each antenna's RSSI: its own level when the snapshot has one per antenna; else the
    active one hears the channel's level, the idle one less."""
    if len(channel.rf_levels) == len(ANTENNAS):
        first, second = channel.rf_levels
    else:
        rf = channel.rf_level or 0
        idle = max(0, rf - IDLE_ANTENNA_DROP) if rf else 0
        active = channel.antenna or "XX"
        first, second = (rf if led != "X" else idle for led in active)  # an antenna per LED
    return offset120_from_rf(first), offset120_from_rf(second)
