"""Value encodings shared by the Shure families.

Each ``parse_*`` turns one raw protocol value into a typed field of
:class:`~micboard.integrations.base.ChannelSnapshot` (``None`` for "unknown") and raises
``ProtocolError`` for anything else; each ``format_*`` is its inverse, used by the
simulator. Defaults are the ULX-D / QLX-D encodings; other families pass their parameter
names, widths and offsets. Levels are on the shared scales of ``integrations.base``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from micboard.exceptions import ProtocolError
from micboard.integrations.base import (
    AUDIO_DBFS_OFFSET,
    MAX_AUDIO_LEVEL,
    MAX_RF_LEVEL,
    RF_DBM_OFFSET,
)
from micboard.integrations.shure.codec import quote, unquote

T = TypeVar("T")

UNKNOWN_BARS = 255
MAX_BARS = 5
MAX_RUNTIME_MINUTES = 65532
UNKNOWN_RUNTIME = 65535
UNKNOWN_TX_OFFSET = 255
UNKNOWN_TX_TYPE = "UNKN"
MAX_METER_VALUE = 255
"""ULX-D's document allows ``RX_RF_LVL`` and ``AUDIO_LVL`` 000-255; the shared scale clamps."""
AUDIO_GAIN_OFFSET_DB = 18
MAX_AUDIO_GAIN = 60
NO_GROUP_CHANNEL = "--,--"
ANTENNA_STATES = frozenset({"AX", "XB", "AB", "XX"})
# The default padding of a channel name (SLX-D, Axient Digital); each family's own width
# is its ``name_width`` (8 on ULX-D / QLX-D, as their document says).
NAME_WIDTH = 31

METER_PARAMS = ("RF_ANTENNA", "RX_RF_LVL", "AUDIO_LVL")
"""The values a ULX-D ``SAMPLE n ALL`` carries, in order; ``GET n ALL`` reports them too."""


def parse_battery_bars(raw: str, param: str = "BATT_BARS") -> int | None:
    bars = parse_int(param, raw)
    if bars == UNKNOWN_BARS:
        return None
    return in_range(param, bars, 0, MAX_BARS)


def format_battery_bars(bars: int | None) -> str:
    return f"{UNKNOWN_BARS if bars is None else bars:03d}"


def parse_runtime_minutes(raw: str, param: str = "BATT_RUN_TIME") -> int | None:
    """Minutes 0-65532; 65533, 65534 and 65535 (warning, calculating, unknown) are ``None``."""
    minutes = in_range(param, parse_int(param, raw), 0, UNKNOWN_RUNTIME)
    return None if minutes > MAX_RUNTIME_MINUTES else minutes


def format_runtime_minutes(minutes: int | None) -> str:
    return f"{UNKNOWN_RUNTIME if minutes is None else minutes:05d}"


def parse_frequency_khz(raw: str, digits: int = 6) -> int | None:
    if len(raw) != digits:
        raise ProtocolError(f"FREQUENCY {raw!r} is not {digits} digits of kHz")
    khz = parse_int("FREQUENCY", raw, max_digits=digits)
    return khz or None


def format_frequency_khz(khz: int | None, digits: int = 6) -> str:
    return f"{khz or 0:0{digits}d}"


def parse_tx_offset_db(raw: str, bias: int = 0) -> int | None:
    """``TX_OFFSET`` in dB; ULX-D and Axient Digital send dB + 12 (``bias=12``)."""
    offset = parse_int("TX_OFFSET", raw)
    if offset == UNKNOWN_TX_OFFSET:
        return None
    return in_range("TX_OFFSET", offset, 0, UNKNOWN_TX_OFFSET - 1) - bias


def format_tx_offset_db(offset: int | None, bias: int = 0) -> str:
    return f"{UNKNOWN_TX_OFFSET if offset is None else offset + bias:03d}"


def parse_tx_type(raw: str, unknown: str = UNKNOWN_TX_TYPE) -> str:
    tx_type = unquote(raw)
    return "" if tx_type == unknown else tx_type


def format_tx_type(tx_type: str, unknown: str = UNKNOWN_TX_TYPE) -> str:
    return tx_type or unknown


def parse_channel_name(raw: str) -> str:
    """A braced, padded name; bare words (UHF-R, PSM1000) are joined by single spaces."""
    return unquote(raw)


def format_channel_name(name: str, width: int = NAME_WIDTH) -> str:
    return quote(name, width)


def parse_rf_level(raw: str) -> int:
    """``RX_RF_LVL`` (dBm + 128), 000-255 on the wire, clamped to the shared 0-115."""
    level = in_range("RX_RF_LVL", parse_int("RX_RF_LVL", raw), 0, MAX_METER_VALUE)
    return min(level, MAX_RF_LEVEL)


def format_rf_level(level: int) -> str:
    return f"{level:03d}"


def parse_audio_level(raw: str) -> int:
    """``AUDIO_LVL`` (dBFS + 50), 000-255 on the wire, clamped to the shared 0-50."""
    level = in_range("AUDIO_LVL", parse_int("AUDIO_LVL", raw), 0, MAX_METER_VALUE)
    return min(level, MAX_AUDIO_LEVEL)


def format_audio_level(level: int) -> str:
    return f"{level:03d}"


def parse_audio_gain_db(raw: str) -> int:
    """``AUDIO_GAIN`` 000-060, three digits: the gain is the value - 18 dB (-18 to +42)."""
    if len(raw) != 3:
        raise ProtocolError(f"AUDIO_GAIN {raw!r} is not three digits")
    gain = in_range("AUDIO_GAIN", parse_int("AUDIO_GAIN", raw), 0, MAX_AUDIO_GAIN)
    return gain - AUDIO_GAIN_OFFSET_DB


def format_audio_gain_db(gain_db: int) -> str:
    return f"{gain_db + AUDIO_GAIN_OFFSET_DB:03d}"


def parse_group_channel(raw: str, param: str = "GROUP_CHANNEL") -> tuple[int, int] | None:
    """A braced ``{g,c}`` (padded) group and channel; ``--,--`` is none (tuned directly)."""
    text = unquote(raw)
    if text == NO_GROUP_CHANNEL:
        return None
    group, comma, channel = text.partition(",")
    if not comma:
        raise ProtocolError(f"{param} {raw!r} is not group,channel")
    return parse_int(param, group, max_digits=2), parse_int(param, channel, max_digits=2)


def group_channel_text(group_channel: tuple[int, int] | None) -> str:
    """A group and channel as stored (``1,1``); empty for none."""
    return "" if group_channel is None else "{},{}".format(*group_channel)


def format_group_channel(group_channel: tuple[int, int] | None, width: int) -> str:
    text = NO_GROUP_CHANNEL if group_channel is None else "{},{}".format(*group_channel)
    return quote(text, width)


def parse_antenna(raw: str) -> str:
    if raw not in ANTENNA_STATES:
        raise ProtocolError(f"RF_ANTENNA {raw!r} is not one of {sorted(ANTENNA_STATES)}")
    return raw


def rf_level_from_dbm(dbm: int) -> int:
    """A signal in dBm on the shared RF scale (dBm + 128, clamped to 0-115)."""
    return clamp(dbm + RF_DBM_OFFSET, 0, MAX_RF_LEVEL)


def audio_level_from_dbfs(dbfs: int) -> int:
    """An audio level in dBFS on the shared audio scale (dBFS + 50, clamped to 0-50)."""
    return clamp(dbfs + AUDIO_DBFS_OFFSET, 0, MAX_AUDIO_LEVEL)


def required(raw: Mapping[str, str], param: str) -> str:
    try:
        return raw[param]
    except KeyError:
        raise ProtocolError(f"no {param} reported") from None


def optional(raw: Mapping[str, str], param: str, parse: Callable[[str], T]) -> T | None:
    value = raw.get(param)
    return None if value is None else parse(value)


def parse_int(param: str, raw: str, *, max_digits: int = 6) -> int:
    if not raw.isascii() or not raw.isdigit() or len(raw) > max_digits:
        raise ProtocolError(f"{param} {raw!r} is not a number")
    return int(raw)


def in_range(param: str, value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise ProtocolError(f"{param} {value} is outside {low}-{high}")
    return value


def clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))
