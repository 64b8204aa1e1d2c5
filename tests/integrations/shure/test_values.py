from __future__ import annotations

from collections.abc import Callable

import pytest

from micboard.exceptions import DeviceError, ProtocolError
from micboard.integrations.base import ChannelSnapshot
from micboard.integrations.shure import values
from micboard.integrations.shure.families import UnknownModelError, receiver_model
from micboard.integrations.shure.families.ulxd import UlxdFamily

channel_snapshot = UlxdFamily().channel_snapshot

Parser = Callable[[str], object]


@pytest.mark.parametrize(
    ("parse", "raw", "expected"),
    [
        (values.parse_battery_bars, "005", 5),
        (values.parse_battery_bars, "000", 0),
        (values.parse_battery_bars, "255", None),
        (values.parse_runtime_minutes, "00125", 125),
        (values.parse_runtime_minutes, "65532", 65532),
        (values.parse_runtime_minutes, "65533", None),
        (values.parse_runtime_minutes, "65534", None),
        (values.parse_runtime_minutes, "65535", None),
        (values.parse_frequency_khz, "578350", 578350),
        (values.parse_frequency_khz, "000000", None),
        (values.parse_tx_offset_db, "012", 12),
        (values.parse_tx_offset_db, "255", None),
        (values.parse_tx_type, "ULXD2", "ULXD2"),
        (values.parse_tx_type, "UNKN", ""),
        (values.parse_channel_name, "{HH01 Lead      }", "HH01 Lead"),
        (values.parse_rf_level, "000", 0),
        (values.parse_rf_level, "115", 115),
        (values.parse_audio_level, "050", 50),
        (values.parse_antenna, "AX", "AX"),
        (values.parse_antenna, "XB", "XB"),
        (values.parse_antenna, "AB", "AB"),
        (values.parse_antenna, "XX", "XX"),
    ],
)
def test_parse(parse: Parser, raw: str, expected: object) -> None:
    assert parse(raw) == expected


@pytest.mark.parametrize(
    ("parse", "raw"),
    [
        (values.parse_battery_bars, "006"),
        (values.parse_battery_bars, "abc"),
        (values.parse_battery_bars, "-1"),
        (values.parse_runtime_minutes, "65536"),
        (values.parse_frequency_khz, "57835"),
        (values.parse_frequency_khz, "5783500"),
        (values.parse_frequency_khz, "57835x"),
        (values.parse_tx_offset_db, "256"),
        (values.parse_rf_level, "256"),
        (values.parse_audio_level, "256"),
        (values.parse_audio_gain_db, "061"),
        (values.parse_audio_gain_db, "40"),
        (values.parse_group_channel, "{1-1  }"),
        (values.parse_audio_level, "\u00b2"),
        (values.parse_antenna, "AA"),
    ],
)
def test_parse_rejects_values_outside_the_protocol(parse: Parser, raw: str) -> None:
    with pytest.raises(ProtocolError, match=r"\w+"):
        parse(raw)


@pytest.mark.parametrize(
    ("fmt", "parse", "value"),
    [
        (values.format_battery_bars, values.parse_battery_bars, 4),
        (values.format_battery_bars, values.parse_battery_bars, None),
        (values.format_runtime_minutes, values.parse_runtime_minutes, 90),
        (values.format_runtime_minutes, values.parse_runtime_minutes, None),
        (values.format_frequency_khz, values.parse_frequency_khz, 470125),
        (values.format_frequency_khz, values.parse_frequency_khz, None),
        (values.format_tx_offset_db, values.parse_tx_offset_db, 0),
        (values.format_tx_offset_db, values.parse_tx_offset_db, None),
        (values.format_tx_type, values.parse_tx_type, "QLXD1"),
        (values.format_tx_type, values.parse_tx_type, ""),
        (values.format_channel_name, values.parse_channel_name, "BP03 Pastor"),
        (values.format_rf_level, values.parse_rf_level, 97),
        (values.format_audio_level, values.parse_audio_level, 41),
    ],
)
def test_format_is_the_inverse_of_parse(
    fmt: Callable[[object], str], parse: Parser, value: object
) -> None:
    assert parse(fmt(value)) == value


def test_ulxd_meters_above_the_shared_scale_are_clamped_to_its_top() -> None:
    # The document allows 000-255; the shared scale ends at 115 (RF) and 50 (audio).
    assert (values.parse_rf_level("116"), values.parse_rf_level("255")) == (115, 115)
    assert (values.parse_audio_level("051"), values.parse_audio_level("255")) == (50, 50)


def test_audio_gain_is_the_value_less_18_db() -> None:
    assert [values.parse_audio_gain_db(raw) for raw in ("000", "018", "060")] == [-18, 0, 42]
    assert values.format_audio_gain_db(22) == "040"


def test_group_channel_is_group_and_channel_or_none() -> None:
    assert values.parse_group_channel("{1,1  }") == (1, 1)
    assert values.parse_group_channel("{10,12}") == (10, 12)
    assert values.parse_group_channel("{--,--}") is None
    assert values.format_group_channel(None, 5) == "{--,--}"
    assert values.format_group_channel((1, 1), 5) == "{1,1  }"


def test_format_pads_like_the_device() -> None:
    assert values.format_battery_bars(4) == "004"
    assert values.format_runtime_minutes(90) == "00090"
    assert values.format_channel_name("HH01") == "{HH01" + " " * 27 + "}"


RAW_CHANNEL = {
    "CHAN_NAME": "{BP03 Pastor   }",
    "FREQUENCY": "578350",
    "TX_TYPE": "ULXD1",
    "TX_OFFSET": "015",
    "BATT_BARS": "003",
    "BATT_RUN_TIME": "00245",
    "RF_ANTENNA": "AB",
    "RX_RF_LVL": "096",
    "AUDIO_LVL": "041",
}


def test_channel_snapshot_decodes_every_field() -> None:
    assert channel_snapshot(2, RAW_CHANNEL) == ChannelSnapshot(
        number=2,
        name="BP03 Pastor",
        frequency_khz=578350,
        battery_bars=3,
        runtime_minutes=245,
        tx_type="ULXD1",
        tx_offset_db=3,
        rf_level=96,
        audio_level=41,
        antenna="AB",
        audio_peak=True,
    )


def test_channel_snapshot_leaves_unreported_meters_unknown() -> None:
    raw = {k: v for k, v in RAW_CHANNEL.items() if k not in values.METER_PARAMS}

    snapshot = channel_snapshot(1, raw)

    assert (snapshot.rf_level, snapshot.audio_level, snapshot.antenna) == (None, None, "")
    assert snapshot.audio_peak is False


def test_channel_snapshot_of_a_switched_off_transmitter() -> None:
    raw = RAW_CHANNEL | {"BATT_BARS": "255", "BATT_RUN_TIME": "65535", "TX_TYPE": "UNKN"}

    snapshot = channel_snapshot(1, raw)

    assert (snapshot.battery_bars, snapshot.runtime_minutes, snapshot.tx_type) == (None, None, "")


@pytest.mark.parametrize("missing", UlxdFamily.channel_params)
def test_channel_snapshot_requires_the_core_values(missing: str) -> None:
    raw = {k: v for k, v in RAW_CHANNEL.items() if k != missing}

    with pytest.raises(ProtocolError, match=missing):
        channel_snapshot(1, raw)


@pytest.mark.parametrize(
    ("model", "channels"),
    [
        ("ULXD4", 1),
        ("ULXD4D", 2),
        ("ULXD4Q", 4),
        ("QLXD4", 1),
        ("{ulxd4q    }", 4),
        ("SLXD4", 1),
        ("SLXD4D", 2),
        ("AD4D", 2),
        ("AD4Q", 4),
        ("UR4S", 1),
        ("UR4D", 2),
        ("P10T", 2),
    ],
)
def test_model_catalogue(model: str, channels: int) -> None:
    assert receiver_model(model).channels == channels


def test_unknown_model_is_a_device_error_naming_the_model() -> None:
    with pytest.raises(UnknownModelError, match="'AD4X'") as caught:
        receiver_model("AD4X")

    assert isinstance(caught.value, DeviceError)
    assert caught.value.code == "unknown_model"
