"""The Axient Digital family (AD4D, AD4Q): its parameters and value encodings.

``TX_BATT_*`` battery, ``TX_MODEL``, seven-digit ``FREQUENCY``, ``TX_OFFSET`` sent as
dB + 12, link quality 0-5 and RSSI per antenna.

``SAMPLE n ALL <quality> <audio LEDs> <peak> <RMS> <antennas> (<RSSI LEDs> <RSSI>)...``
carries one LED/RSSI pair per character of the antenna status (two, or four with
Quadversity); frequency diversity (FD-C) appends a second antenna section. Forms from
Shure's Axient Digital command strings; what they leave open is in docs/protocols/shure.md.
"""

from __future__ import annotations

from collections.abc import Mapping

from micboard.exceptions import ProtocolError
from micboard.integrations.base import AUDIO_PEAK_LEVEL, ChannelSnapshot
from micboard.integrations.shure.codec import Message, Verb
from micboard.integrations.shure.families.base import Family
from micboard.integrations.shure.families.meters import (
    antenna_rf_levels,
    audio_from_offset120,
    leds_from_audio,
    offset120_from_audio,
    offset120_from_rf,
    peak_from_offset120,
    reported_antennas,
    rf_from_offset120,
)
from micboard.integrations.shure.values import (
    UNKNOWN_BARS,
    format_battery_bars,
    format_channel_name,
    format_frequency_khz,
    format_runtime_minutes,
    format_tx_offset_db,
    format_tx_type,
    in_range,
    optional,
    parse_battery_bars,
    parse_channel_name,
    parse_frequency_khz,
    parse_int,
    parse_runtime_minutes,
    parse_tx_offset_db,
    parse_tx_type,
    required,
)

FREQUENCY_DIGITS = 7
TX_OFFSET_BIAS = 12
UNKNOWN_TX_MODEL = "UNKNOWN"
ANTENNA_LEDS = frozenset("BRX")
"""Per antenna: blue (receiving), red (receiving, weak), off."""
PEAK_LED = 0x80
"""Bit 7 of the audio LED bitmap: the peak LED; the lower bits are the lit meter LEDs."""
AUDIO_LEDS = 8
RSSI_LEDS_ON = "31"
"""An antenna's RSSI LED bitmap as the document's SAMPLE examples print it: two digits."""
SAMPLE_HEAD = ("CHAN_QUALITY", "AUDIO_LED", "AUDIO_LEVEL_PEAK", "AUDIO_LEVEL_RMS")
RSSI_KEYS = ("RSSI 1", "RSSI 2", "RSSI 3", "RSSI 4")
"""Each antenna's RSSI as kept: two antennas, four with Quadversity."""


class AxientFamily(Family):
    key = "AD"
    name = "Axient Digital"
    protocol = "shure-axient"
    models = {"AD4D": 2, "AD4Q": 4}
    channel_params = ("CHAN_NAME", "FREQUENCY", "TX_MODEL", "TX_BATT_BARS", "TX_BATT_MINS")
    meter_params = (*SAMPLE_HEAD, "ANTENNA_STATUS", *RSSI_KEYS)

    def report_item(self, param: str, values: tuple[str, ...]) -> tuple[str, str]:
        """``REP n RSSI <antenna> <value>`` is kept per antenna, as ``RSSI 1``, ``RSSI 2``..."""
        if param == "RSSI" and len(values) == 2:
            return f"RSSI {values[0]}", values[1]
        return super().report_item(param, values)

    def channel_snapshot(self, number: int, raw: Mapping[str, str]) -> ChannelSnapshot:
        rssi = [rf_from_offset120(v) for k, v in sorted(raw.items()) if k.startswith("RSSI ")]
        antennas = reported_antennas(raw, RSSI_KEYS, rf_from_offset120)
        optional(raw, "CHAN_QUALITY", parse_quality)  # checked; there is no column for it
        return ChannelSnapshot(
            number=number,
            name=parse_channel_name(required(raw, "CHAN_NAME")),
            frequency_khz=parse_frequency_khz(required(raw, "FREQUENCY"), FREQUENCY_DIGITS),
            battery_bars=parse_battery_bars(required(raw, "TX_BATT_BARS"), "TX_BATT_BARS"),
            runtime_minutes=parse_runtime_minutes(required(raw, "TX_BATT_MINS"), "TX_BATT_MINS"),
            tx_type=parse_tx_type(required(raw, "TX_MODEL"), UNKNOWN_TX_MODEL),
            tx_offset_db=optional(raw, "TX_OFFSET", _parse_offset),
            rf_level=max(rssi) if rssi else None,
            rf_levels=antennas,
            audio_level=optional(raw, "AUDIO_LEVEL_RMS", audio_from_offset120),
            antenna=optional(raw, "ANTENNA_STATUS", antenna_from_status) or "",
            audio_peak=bool(optional(raw, "AUDIO_LEVEL_PEAK", peak_from_offset120)),
        )

    def sample_values(self, values: tuple[str, ...]) -> dict[str, str]:
        if len(values) < 5:
            raise ProtocolError(f"Axient SAMPLE carries {len(values)} values, expected 9 or more")
        status = values[4]
        antenna_from_status(status)
        pairs = values[5:]
        if len(pairs) not in (2 * len(status), 4 * len(status) + 1):
            raise ProtocolError(
                f"Axient SAMPLE has {len(pairs)} antenna values for antenna status {status!r}"
            )
        raw = dict(zip(SAMPLE_HEAD, values[:4], strict=True))
        in_range("AUDIO_LED", parse_int("AUDIO_LED", raw["AUDIO_LED"]), 0, 255)
        parse_quality(raw["CHAN_QUALITY"])
        raw["ANTENNA_STATUS"] = status
        for antenna in range(len(status)):
            in_range("RSSI LEDs", parse_int("RSSI LEDs", pairs[2 * antenna]), 0, 255)
            raw[f"RSSI {antenna + 1}"] = pairs[2 * antenna + 1]
        return raw

    def channel_reports(self, channel: ChannelSnapshot) -> dict[str, str]:
        return {
            "CHAN_NAME": format_channel_name(channel.name, self.name_width),
            "FREQUENCY": format_frequency_khz(channel.frequency_khz, FREQUENCY_DIGITS),
            "TX_MODEL": format_tx_type(channel.tx_type, UNKNOWN_TX_MODEL),
            "TX_OFFSET": format_tx_offset_db(channel.tx_offset_db, TX_OFFSET_BIAS),
            "TX_BATT_BARS": format_battery_bars(channel.battery_bars),
            "TX_BATT_MINS": format_runtime_minutes(channel.runtime_minutes),
            **{k: v for k, v in self.sample_values(_sample(channel)).items() if k != "AUDIO_LED"},
        }

    def meter_messages(self, channel: ChannelSnapshot) -> list[Message]:
        return [Message(Verb.SAMPLE, channel.number, "ALL", _sample(channel))]


def parse_quality(raw: str) -> int | None:
    """``CHAN_QUALITY`` 0-5, 255 unknown."""
    quality = parse_int("CHAN_QUALITY", raw)
    return None if quality == UNKNOWN_BARS else in_range("CHAN_QUALITY", quality, 0, 5)


def antenna_from_status(status: str) -> str:
    """Antenna LEDs (``BX``, ``RB``, ``BBBB``...) in the shared ``AX``/``XB``/``AB`` form."""
    if len(status) not in (2, 4) or any(led not in ANTENNA_LEDS for led in status):
        raise ProtocolError(f"ANTENNA_STATUS {status!r} is not 2 or 4 of B, R, X")
    a = "A" if status[0] != "X" else "X"
    b = "B" if status[1] != "X" else "X"
    return a + b


def _parse_offset(raw: str) -> int | None:
    return parse_tx_offset_db(raw, TX_OFFSET_BIAS)


def _sample(channel: ChannelSnapshot) -> tuple[str, ...]:
    audio = channel.audio_level or 0
    peak = max(audio, AUDIO_PEAK_LEVEL) if channel.audio_peak else audio
    on = channel.battery_bars is not None
    antenna = channel.antenna or "XX"
    status = "".join("B" if led != "X" else "X" for led in antenna)
    lit = (1 << min(leds_from_audio(audio), AUDIO_LEDS - 1)) - 1
    leds = f"{(PEAK_LED if channel.audio_peak else 0) | lit:03d}"
    levels = antenna_rf_levels(channel, len(status))
    pairs = [
        (RSSI_LEDS_ON if led == "B" else "00", offset120_from_rf(level) if level else "000")
        for led, level in zip(status, levels, strict=True)
    ]
    return (
        "005" if on else "255",
        leds,
        offset120_from_audio(peak),
        offset120_from_audio(audio),
        status,
        *(value for pair in pairs for value in pair),
    )
