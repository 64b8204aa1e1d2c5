import pytest

from micboard.formatting import format_frequency, format_runtime, split_channel_name


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
