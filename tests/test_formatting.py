import pytest

from micboard.formatting import (
    format_age,
    format_audio,
    format_frequency,
    format_gain,
    format_rf,
    format_runtime,
    split_channel_name,
)


@pytest.mark.parametrize(
    ("minutes", "text"), [(None, "—"), (0, "0:00"), (65, "1:05"), (605, "10:05")]
)
def test_runtime_as_hours_and_minutes(minutes: int | None, text: str) -> None:
    assert format_runtime(minutes) == text


@pytest.mark.parametrize(("khz", "text"), [(578350, "578.350"), (None, "—"), (0, "—")])
def test_frequency_in_mhz(khz: int | None, text: str) -> None:
    assert format_frequency(khz) == text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("HH01 Lead Vocal", ("HH01", "Lead Vocal")),
        ("BP-3 Pastor", ("BP-3", "Pastor")),
        ("05 Choir", ("05", "Choir")),
        ("Lead Vocal", ("", "Lead Vocal")),
        ("HH01", ("", "HH01")),
        ("  ", ("", "")),
    ],
)
def test_channel_id_split_like_shure_micboard(name: str, expected: tuple[str, str]) -> None:
    assert split_channel_name(name) == expected


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "never"),
        (-3, "0 s ago"),
        (12.4, "12 s ago"),
        (119, "119 s ago"),
        (120, "2 min ago"),
        (7199, "120 min ago"),
        (7200, "2 h ago"),
        (172800, "2 d ago"),
    ],
)
def test_age_as_the_wall_says_it(seconds: float | None, text: str) -> None:
    assert format_age(seconds) == text


def test_levels_with_their_units() -> None:
    assert format_rf(66) == "-62 dBm"
    assert format_audio(24) == "-26 dBFS"
    assert format_rf(None) == format_audio(None) == "—"
    assert (format_gain(6), format_gain(0), format_gain(-18)) == ("+6 dB", "0 dB", "-18 dB")
    assert format_gain(None) == "—"
