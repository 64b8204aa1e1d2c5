"""ULX-D / QLX-D value encodings and the receiver model catalogue.

Each ``parse_*`` turns one raw protocol value into the typed field of
:class:`~micboard.integrations.base.ChannelSnapshot` (``None`` for "unknown") and raises
``ProtocolError`` for anything else; each ``format_*`` is its inverse, used by the simulator.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from micboard.exceptions import DeviceError, ProtocolError
from micboard.integrations.base import ChannelSnapshot
from micboard.integrations.shure.codec import quote, unquote

T = TypeVar("T")

UNKNOWN_BARS = 255
MAX_BARS = 5
MAX_RUNTIME_MINUTES = 65532
UNKNOWN_TX_OFFSET = 255
UNKNOWN_TX_TYPE = "UNKN"
MAX_RF_LEVEL = 115
MAX_AUDIO_LEVEL = 50
AUDIO_PEAK_LEVEL = 40
ANTENNA_STATES = frozenset({"AX", "XB", "AB", "XX"})
# Padding of string values in the simulator, and the longest channel name it accepts. The
# reference notes 8-character names on ULX-D/QLX-D, too short for demo names such as
# ``BP03 Pastor``: to be checked against Shure's command-string document.
NAME_WIDTH = 31

REQUIRED_CHANNEL_PARAMS = ("CHAN_NAME", "FREQUENCY", "BATT_BARS", "BATT_RUN_TIME", "TX_TYPE")
METER_PARAMS = ("RF_ANTENNA", "RX_RF_LVL", "AUDIO_LVL")
"""The values a ``SAMPLE n ALL`` carries, in order; ``GET n ALL`` reports them as REPs too."""


class UnknownModelError(DeviceError):
    """The receiver model is not one this driver knows."""

    code = "unknown_model"


@dataclass(frozen=True, slots=True)
class ReceiverModel:
    name: str
    family: str
    channels: int


MODELS: Mapping[str, ReceiverModel] = {
    model.name: model
    for model in (
        ReceiverModel("ULXD4", "ULX-D", 1),
        ReceiverModel("ULXD4D", "ULX-D", 2),
        ReceiverModel("ULXD4Q", "ULX-D", 4),
        ReceiverModel("QLXD4", "QLX-D", 1),
    )
}


def receiver_model(name: str) -> ReceiverModel:
    """Catalogue entry for a model name as a device reports it (case and padding ignored)."""
    key = unquote(name).upper()
    try:
        return MODELS[key]
    except KeyError:
        known = ", ".join(MODELS)
        raise UnknownModelError(
            f"unknown Shure TCP receiver model {key!r} (known: {known})"
        ) from None


def parse_battery_bars(raw: str) -> int | None:
    bars = _parse_int("BATT_BARS", raw)
    if bars == UNKNOWN_BARS:
        return None
    return _in_range("BATT_BARS", bars, 0, MAX_BARS)


def format_battery_bars(bars: int | None) -> str:
    return f"{UNKNOWN_BARS if bars is None else bars:03d}"


def parse_runtime_minutes(raw: str) -> int | None:
    minutes = _in_range("BATT_RUN_TIME", _parse_int("BATT_RUN_TIME", raw), 0, 65535)
    return None if minutes > MAX_RUNTIME_MINUTES else minutes


def format_runtime_minutes(minutes: int | None) -> str:
    return f"{65535 if minutes is None else minutes:05d}"


def parse_frequency_khz(raw: str) -> int | None:
    if len(raw) != 6:
        raise ProtocolError(f"FREQUENCY {raw!r} is not six digits of kHz")
    khz = _parse_int("FREQUENCY", raw)
    return khz or None


def format_frequency_khz(khz: int | None) -> str:
    return f"{khz or 0:06d}"


def parse_tx_offset_db(raw: str) -> int | None:
    offset = _parse_int("TX_OFFSET", raw)
    if offset == UNKNOWN_TX_OFFSET:
        return None
    return _in_range("TX_OFFSET", offset, 0, UNKNOWN_TX_OFFSET - 1)


def format_tx_offset_db(offset: int | None) -> str:
    return f"{UNKNOWN_TX_OFFSET if offset is None else offset:03d}"


def parse_tx_type(raw: str) -> str:
    tx_type = unquote(raw)
    return "" if tx_type == UNKNOWN_TX_TYPE else tx_type


def format_tx_type(tx_type: str) -> str:
    return tx_type or UNKNOWN_TX_TYPE


def parse_channel_name(raw: str) -> str:
    return unquote(raw)


def format_channel_name(name: str) -> str:
    return quote(name, NAME_WIDTH)


def parse_rf_level(raw: str) -> int:
    return _in_range("RX_RF_LVL", _parse_int("RX_RF_LVL", raw), 0, MAX_RF_LEVEL)


def format_rf_level(level: int) -> str:
    return f"{level:03d}"


def parse_audio_level(raw: str) -> int:
    return _in_range("AUDIO_LVL", _parse_int("AUDIO_LVL", raw), 0, MAX_AUDIO_LEVEL)


def format_audio_level(level: int) -> str:
    return f"{level:03d}"


def parse_antenna(raw: str) -> str:
    if raw not in ANTENNA_STATES:
        raise ProtocolError(f"RF_ANTENNA {raw!r} is not one of {sorted(ANTENNA_STATES)}")
    return raw


def channel_snapshot(number: int, raw: Mapping[str, str]) -> ChannelSnapshot:
    """Decode one channel's newest raw values (``param -> value``) into a snapshot."""
    audio = _optional(raw, "AUDIO_LVL", parse_audio_level)
    return ChannelSnapshot(
        number=number,
        name=parse_channel_name(_required(raw, "CHAN_NAME")),
        frequency_khz=parse_frequency_khz(_required(raw, "FREQUENCY")),
        battery_bars=parse_battery_bars(_required(raw, "BATT_BARS")),
        runtime_minutes=parse_runtime_minutes(_required(raw, "BATT_RUN_TIME")),
        tx_type=parse_tx_type(_required(raw, "TX_TYPE")),
        tx_offset_db=_optional(raw, "TX_OFFSET", parse_tx_offset_db),
        rf_level=_optional(raw, "RX_RF_LVL", parse_rf_level),
        audio_level=audio,
        antenna=_optional(raw, "RF_ANTENNA", parse_antenna) or "",
        audio_peak=audio is not None and audio >= AUDIO_PEAK_LEVEL,
    )


def _required(raw: Mapping[str, str], param: str) -> str:
    try:
        return raw[param]
    except KeyError:
        raise ProtocolError(f"no {param} reported") from None


def _optional(raw: Mapping[str, str], param: str, parse: Callable[[str], T]) -> T | None:
    value = raw.get(param)
    return None if value is None else parse(value)


def _parse_int(param: str, raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6:
        raise ProtocolError(f"{param} {raw!r} is not a number")
    return int(raw)


def _in_range(param: str, value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise ProtocolError(f"{param} {value} is outside {low}-{high}")
    return value
