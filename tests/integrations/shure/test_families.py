"""Each family's wire values, from Shure's published command strings (docs/adr/0014)."""

from __future__ import annotations

import dataclasses

import pytest

from micboard.exceptions import ProtocolError
from micboard.integrations.base import ChannelSnapshot
from micboard.integrations.shure.codec import Message, Verb
from micboard.integrations.shure.families import MODELS, Transport
from micboard.integrations.shure.families.axient import AxientFamily
from micboard.integrations.shure.families.psm import PsmFamily, parse_frequency
from micboard.integrations.shure.families.slxd import SlxdFamily
from micboard.integrations.shure.families.uhfr import (
    UhfrFamily,
    format_group_channel,
    meter_interval,
    parse_group_channel,
    parse_tx_bat,
)

AD, SLXD, UHFR, PSM = AxientFamily(), SlxdFamily(), UhfrFamily(), PsmFamily()

AD_RAW = {
    "CHAN_NAME": "{HH01 Lead Vocal                }",
    "FREQUENCY": "0594075",
    "TX_MODEL": "AD2",
    "TX_OFFSET": "015",
    "TX_BATT_BARS": "004",
    "TX_BATT_MINS": "00312",
}


def test_every_model_has_its_family_and_channel_count() -> None:
    assert {name: (m.family.name, m.channels) for name, m in MODELS.items()} == {
        "ULXD4": ("ULX-D", 1), "ULXD4D": ("ULX-D", 2), "ULXD4Q": ("ULX-D", 4),
        "QLXD4": ("QLX-D", 1), "SLXD4": ("SLX-D", 1), "SLXD4D": ("SLX-D", 2),
        "SLXD4Q+": ("SLX-D", 4),
        "AD4D": ("Axient Digital", 2), "AD4Q": ("Axient Digital", 4),
        "UR4S": ("UHF-R", 1), "UR4D": ("UHF-R", 2), "P10T": ("PSM1000", 2),
    }  # fmt: skip


def test_axient_decodes_seven_digit_frequency_and_biased_offset() -> None:
    snapshot = AD.channel_snapshot(1, AD_RAW)

    assert snapshot == ChannelSnapshot(
        number=1,
        name="HH01 Lead Vocal",
        frequency_khz=594075,
        battery_bars=4,
        runtime_minutes=312,
        tx_type="AD2",
        tx_offset_db=3,
    )


@pytest.mark.parametrize("sentinel", ["65533", "65534", "65535"])
def test_axient_runtime_sentinels_are_unknown(sentinel: str) -> None:
    assert AD.channel_snapshot(1, AD_RAW | {"TX_BATT_MINS": sentinel}).runtime_minutes is None


def test_axient_transmitter_off() -> None:
    raw = AD_RAW | {"TX_BATT_BARS": "255", "TX_MODEL": "UNKNOWN", "TX_OFFSET": "255"}

    snapshot = AD.channel_snapshot(1, raw)

    assert (snapshot.battery_bars, snapshot.tx_type, snapshot.tx_offset_db) == (None, "", None)


def test_axient_sample_carries_quality_audio_and_rssi_per_antenna() -> None:
    raw = AD.sample_values(("005", "159", "112", "102", "BX", "31", "086", "00", "000"))
    snapshot = AD.channel_snapshot(2, AD_RAW | raw)

    assert raw["CHAN_QUALITY"] == "005"
    assert snapshot.rf_level == 86 - 120 + 128  # the strongest antenna, dBm + 128
    assert snapshot.audio_level == 102 - 120 + 50  # RMS dBFS + 50
    assert snapshot.antenna == "AX"
    assert snapshot.audio_peak  # peak -8 dBFS


def test_axient_quadversity_and_fd_sample_layouts() -> None:
    quad = ("005", "031", "102", "102", "BBBB", *("31", "083") * 4)
    fd_c = (
        "005",
        "031",
        "102",
        "102",
        "BB",
        "31",
        "082",
        "31",
        "060",
        "BB",
        "31",
        "082",
        "31",
        "060",
    )

    assert AD.sample_values(quad)["RSSI 4"] == "083"
    assert AD.sample_values(fd_c)["RSSI 2"] == "060"
    with pytest.raises(ProtocolError, match="antenna values"):
        AD.sample_values(("005", "031", "102", "102", "BB", "31"))


def test_axient_reports_rssi_per_antenna() -> None:
    assert AD.report_item("RSSI", ("2", "065")) == ("RSSI 2", "065")
    assert AD.report_message(1, "RSSI 2", "065") == Message(Verb.REP, 1, "RSSI", ("2", "065"))


def test_slxd_battery_names_rssi_per_antenna_and_three_value_sample() -> None:
    raw = {
        "CHAN_NAME": "{BP02 Pastor" + " " * 20 + "}",
        "FREQUENCY": "0578350",
        "TX_MODEL": "SLXD1",
        "TX_BATT_BARS": "002",
        "TX_BATT_MINS": "00095",
        "AUDIO_GAIN": "030",
        "GROUP_CHANNEL": "{1,1  }",
        **SLXD.sample_values(("110", "090", "060")),
    }

    snapshot = SLXD.channel_snapshot(1, raw)

    assert (snapshot.name, snapshot.frequency_khz, snapshot.tx_type) == (
        "BP02 Pastor",
        578350,
        "SLXD1",
    )
    assert (snapshot.battery_bars, snapshot.runtime_minutes) == (2, 95)
    assert (snapshot.rf_level, snapshot.audio_level, snapshot.audio_peak) == (68, 20, True)
    assert snapshot.antenna == ""  # SLX-D reports no antenna
    assert SLXD.report_item("RSSI", ("2", "064")) == ("RSSI 2", "064")
    assert SLXD.report_message(1, "RSSI 2", "064") == Message(Verb.REP, 1, "RSSI", ("2", "064"))


def test_slxd_takes_the_strongest_antenna_and_reads_no_signal_as_zero() -> None:
    raw = {"CHAN_NAME": "{x}", "FREQUENCY": "0000000", "TX_MODEL": "UNKNOWN"}
    raw |= {"TX_BATT_BARS": "255", "TX_BATT_MINS": "65535"}

    assert SLXD.channel_snapshot(1, raw | {"RSSI 1": "083", "RSSI 2": "064"}).rf_level == 91
    off = SLXD.channel_snapshot(1, raw | {"RSSI 1": "000", "RSSI 2": "000"})
    assert (off.rf_level, off.tx_type, off.frequency_khz, off.battery_bars) == (0, "", None, None)


def test_levels_per_antenna_stop_at_the_first_antenna_not_reported() -> None:
    raw = {"CHAN_NAME": "{x}", "FREQUENCY": "0578350", "TX_MODEL": "SLXD2"}
    raw |= {"TX_BATT_BARS": "005", "TX_BATT_MINS": "00300"}

    only_b = SLXD.channel_snapshot(1, raw | {"RSSI 2": "064"})
    only_a = SLXD.channel_snapshot(1, raw | {"RSSI 1": "083"})
    ad = AD.channel_snapshot(1, AD_RAW | {"RSSI 1": "086", "RSSI 2": "065", "RSSI 4": "070"})

    assert (only_b.rf_level, only_b.rf_levels) == (72, ())  # B alone is never shown as A
    assert only_a.rf_levels == (91,)
    assert ad.rf_levels == (94, 73)


@pytest.mark.parametrize(
    ("param", "raw"),
    [
        ("FREQUENCY", "578350"),  # six digits: the SET form, never a report
        ("AUDIO_GAIN", "061"),
        ("GROUP_CHANNEL", "{1.1  }"),
        ("TX_BATT_MINS", "65536"),
    ],
)
def test_slxd_rejects_values_its_document_does_not_define(param: str, raw: str) -> None:
    good = {"CHAN_NAME": "{x}", "FREQUENCY": "0578350", "TX_MODEL": "SLXD2"}
    good |= {"TX_BATT_BARS": "005", "TX_BATT_MINS": "00300"}

    with pytest.raises(ProtocolError):
        SLXD.channel_snapshot(1, good | {param: raw})


def test_uhfr_speaks_udp_with_star_framing_and_asks_value_by_value() -> None:
    request = UHFR.request(2)

    assert UHFR.transport is Transport.UDP
    assert UHFR.dialect.encode(request[0]) == b"* GET MODEL_NAME *"
    assert UHFR.dialect.encode(Message(Verb.REP, 1, "TX_BAT", ("4",))) == b"* REPORT 1 TX_BAT 4 *"
    assert Message(Verb.GET, 2, "TX_BAT") in request


@pytest.mark.parametrize(("raw", "bars"), [("U", None), ("1", 1), ("5", 5)])
def test_uhfr_tx_bat(raw: str, bars: int | None) -> None:
    assert parse_tx_bat(raw) == bars


@pytest.mark.parametrize("raw", ["6", "UU", "", "05"])
def test_uhfr_tx_bat_rejects_nonsense(raw: str) -> None:
    with pytest.raises(ProtocolError):
        parse_tx_bat(raw)


def test_uhfr_group_channel_and_meter_interval() -> None:
    assert parse_group_channel("01 05") == (1, 5)
    assert parse_group_channel("-- --") is None
    assert format_group_channel((3, 12)) == "03 12"
    assert meter_interval("003") == pytest.approx(0.09)
    assert meter_interval("STOP") is None


def test_uhfr_sample_rf_runs_the_other_way() -> None:
    raw = {
        "CHAN_NAME": "{HH01 Lead   }",
        "FREQUENCY": "578350",
        "TX_TYPE": "UR2",
        **UHFR.sample_values(("AX", "030", "100", "3", "255")),
    }

    snapshot = UHFR.channel_snapshot(1, raw)

    assert snapshot.rf_level == 128 - 30
    assert snapshot.rf_levels == (128 - 30, 128 - 100)  # RF A, RF B
    assert (snapshot.battery_bars, snapshot.runtime_minutes) == (3, None)
    assert (snapshot.audio_level, snapshot.audio_peak) == (50, True)


def test_psm1000_has_no_battery_and_reads_the_input_ladder() -> None:
    raw = {"CHAN_NAME": "01 Lead", "FREQUENCY": "580250", "AUDIO_IN_LVL_L": "00000300000"}

    snapshot = PSM.channel_snapshot(2, raw | {"AUDIO_IN_LVL_R": "00002600000"})

    assert (snapshot.battery_bars, snapshot.runtime_minutes, snapshot.has_battery) == (
        None,
        None,
        False,
    )
    assert snapshot.audio_peak
    assert PSM.channel_snapshot(2, raw).audio_level == 25  # 4 of 8 LEDs


def test_psm1000_writes_report_bare_values_and_crlf() -> None:
    message = PSM.report_message(1, "CHAN_NAME", "01 Lead")

    assert PSM.dialect.encode(message) == b"< REPORT 1 CHAN_NAME 01 Lead >\r\n"
    assert PSM.request(2)[0] == Message(Verb.GET, None, "DEVICE_NAME")


@pytest.mark.parametrize(
    ("raw", "khz"), [("578000", 578000), ("00000578000", 578000), ("000000", None)]
)
def test_psm1000_frequency_is_kilohertz_of_six_to_eleven_digits(raw: str, khz: int | None) -> None:
    assert parse_frequency(raw) == khz


@pytest.mark.parametrize("raw", ["57800", "000000578000", "1000000", "578.00"])
def test_psm1000_frequency_rejects_other_widths_and_gigahertz(raw: str) -> None:
    with pytest.raises(ProtocolError):
        parse_frequency(raw)


def test_axient_sample_prints_led_bitmaps_as_the_document_does() -> None:
    channel = ChannelSnapshot(
        number=1, battery_bars=5, rf_level=94, audio_level=32, antenna="AX", audio_peak=False
    )

    (sample,) = AD.meter_messages(channel)

    # "< SAMPLE 1 ALL 005 031 102 102 BB 31 086 31 065 >": 5 audio LEDs, 2-digit RSSI LEDs
    assert sample.values == ("005", "031", "102", "102", "BX", "31", "086", "00", "000")
    assert AD.meter_messages(dataclasses.replace(channel, audio_peak=True))[0].values[1] == "159"
