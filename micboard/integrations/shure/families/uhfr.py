"""UHF-R (UR4S, UR4D): ``* ... *`` datagrams to UDP 2202, ``REPORT`` replies.

No ``GET ALL``: each value is asked for on its own. ``TX_BAT`` is 1-5 bars or ``U``
(unknown); there is no runtime. ``SAMPLE n ALL <antennas> <RF A> <RF B> <battery> <audio>``
carries RF as -dBm (about 20 strong, 100 none) and audio as an 8-LED bitmap.
Metering is ``* METER n ALL <units of 30 ms> *`` and ``* METER n ALL STOP *``.
No Shure document for UHF-R could be read: these forms follow Shure's micboard, and what
stays open is listed in docs/protocols/shure.md.
"""

from __future__ import annotations

from collections.abc import Mapping

from micboard.exceptions import ProtocolError
from micboard.integrations.base import RF_DBM_OFFSET, ChannelSnapshot
from micboard.integrations.shure.codec import STAR_FRAMING, Dialect, Message, Verb
from micboard.integrations.shure.families.base import Family, Identity, Transport, expect_count
from micboard.integrations.shure.families.meters import (
    antenna_rf_levels,
    audio_from_leds,
    leds_from_audio,
    reported_antennas,
)
from micboard.integrations.shure.values import (
    format_channel_name,
    format_frequency_khz,
    format_tx_type,
    in_range,
    optional,
    parse_antenna,
    parse_channel_name,
    parse_frequency_khz,
    parse_int,
    parse_tx_type,
    required,
    rf_level_from_dbm,
)

UNKNOWN_BATTERY = "U"
UNKNOWN_TX_TYPE = "UNKNOWN"
NO_GROUP_CHANNEL = "-- --"
NO_RF = "100"
METER_PARAMS = ("ANTENNA", "RF_A", "RF_B", "TX_BAT", "AUDIO_LEDS")
RF_KEYS = ("RF_A", "RF_B")
METER_UNIT_MS = 30
PEAK_BIT = 0x80


class UhfrFamily(Family):
    key = "UHFR"
    name = "UHF-R"
    protocol = "shure-uhfr"
    models = {"UR4S": 1, "UR4D": 2}
    transport = Transport.UDP
    dialect = Dialect(STAR_FRAMING, report_word="REPORT")
    identity = Identity(model="MODEL_NAME", firmware="SW_VERSION", device_id="HARDWARE_ID")
    channel_params = ("CHAN_NAME", "FREQUENCY", "TX_TYPE", "TX_BAT")
    get_all = False
    name_width = 12
    has_runtime = False
    meter_params = ("ANTENNA", "RF_A", "RF_B", "AUDIO_LEDS")

    def channel_snapshot(self, number: int, raw: Mapping[str, str]) -> ChannelSnapshot:
        rf = reported_antennas(raw, RF_KEYS, parse_rf_dbm)
        leds = optional(raw, "AUDIO_LEDS", parse_audio_bitmap)
        return ChannelSnapshot(
            number=number,
            name=parse_channel_name(required(raw, "CHAN_NAME")),
            frequency_khz=parse_frequency_khz(required(raw, "FREQUENCY")),
            battery_bars=parse_tx_bat(required(raw, "TX_BAT")),
            tx_type=parse_tx_type(required(raw, "TX_TYPE"), UNKNOWN_TX_TYPE),
            rf_level=max(rf, default=None),
            rf_levels=rf,
            audio_level=None if leds is None else audio_from_leds(leds.bit_length()),
            antenna=optional(raw, "ANTENNA", parse_antenna) or "",
            audio_peak=leds is not None and bool(leds & PEAK_BIT),
        )

    def sample_values(self, values: tuple[str, ...]) -> dict[str, str]:
        expect_count("UHF-R SAMPLE", values, len(METER_PARAMS))
        raw = dict(zip(METER_PARAMS, values, strict=True))
        parse_antenna(raw["ANTENNA"])
        parse_tx_bat(raw["TX_BAT"])
        for param in RF_KEYS:
            parse_rf_dbm(raw[param])
        parse_audio_bitmap(raw["AUDIO_LEDS"])
        return raw

    def channel_reports(self, channel: ChannelSnapshot) -> dict[str, str]:
        return {
            "CHAN_NAME": format_channel_name(channel.name, self.name_width),
            "FREQUENCY": format_frequency_khz(channel.frequency_khz),
            "GROUP_CHAN": NO_GROUP_CHANNEL,
            "TX_TYPE": format_tx_type(channel.tx_type, UNKNOWN_TX_TYPE),
            "TX_BAT": format_tx_bat(channel.battery_bars),
        }

    def meter_messages(self, channel: ChannelSnapshot) -> list[Message]:
        return [Message(Verb.SAMPLE, channel.number, "ALL", _sample(channel))]


def parse_tx_bat(raw: str) -> int | None:
    if raw == UNKNOWN_BATTERY:
        return None
    if len(raw) != 1:
        raise ProtocolError(f"TX_BAT {raw!r} is not 1-5 or U")
    return in_range("TX_BAT", parse_int("TX_BAT", raw), 0, 5)


def format_tx_bat(bars: int | None) -> str:
    return UNKNOWN_BATTERY if bars is None else str(bars)


def parse_group_channel(raw: str) -> tuple[int, int] | None:
    """``GROUP_CHAN gg cc``; ``-- --`` when the frequency is in no group."""
    if raw == NO_GROUP_CHANNEL:
        return None
    parts = raw.split(" ")
    if len(parts) != 2:
        raise ProtocolError(f"GROUP_CHAN {raw!r} is not a group and a channel")
    group, channel = (parse_int("GROUP_CHAN", part, max_digits=3) for part in parts)
    return group, channel


def format_group_channel(value: tuple[int, int] | None) -> str:
    return NO_GROUP_CHANNEL if value is None else f"{value[0]:02d} {value[1]:02d}"


def parse_rf_dbm(raw: str) -> int:
    """RF as -dBm (three digits) on the shared scale."""
    return rf_level_from_dbm(-in_range("RF", parse_int("RF", raw, max_digits=3), 0, 255))


def parse_audio_bitmap(raw: str) -> int:
    return in_range("AUDIO", parse_int("AUDIO", raw, max_digits=3), 0, 255)


def meter_interval(raw: str) -> float | None:
    """Seconds between samples for a ``METER n ALL`` value; ``None`` for ``STOP``."""
    if raw == "STOP":
        return None
    units = in_range("METER", parse_int("METER", raw, max_digits=3), 1, 999)
    return units * METER_UNIT_MS / 1000


def _sample(channel: ChannelSnapshot) -> tuple[str, ...]:
    rf_a, rf_b = (_rf_dbm(level) for level in antenna_rf_levels(channel))
    antenna = channel.antenna or "XX"
    leds = leds_from_audio(channel.audio_level or 0)
    bitmap = (1 << leds) - 1 | (PEAK_BIT if channel.audio_peak else 0)
    return (
        antenna,
        rf_a,
        rf_b,
        format_tx_bat(channel.battery_bars),
        f"{bitmap:03d}",
    )


def _rf_dbm(rf_level: int) -> str:
    """-dBm in three digits; ``100`` for an antenna without signal."""
    return f"{min(255, RF_DBM_OFFSET - rf_level):03d}" if rf_level else NO_RF
