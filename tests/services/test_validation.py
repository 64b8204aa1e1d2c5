import pytest

from micboard.exceptions import ValidationError
from micboard.services.validation import (
    is_valid_host,
    normalize_host,
    text_problem,
    validate_address,
)


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "rx-01.venue.lan", "ulxd4q"])
def test_valid_hosts(host: str) -> None:
    assert is_valid_host(host)


@pytest.mark.parametrize(
    "host",
    [
        "",
        "bad host",
        "-lead.lan",
        "a" * 254,
        "x..y",
        "a\n.b",
        "rx\n",
        "fe80::1%a b",
        "999.999.999.999",
        "256.1.1.1",
        "1.2.3",
        "::g",
        "fe80::1%",
        "10.0.0.1%eth0",
    ],
)
def test_invalid_hosts(host: str) -> None:
    assert not is_valid_host(host)


def test_every_bad_field_is_reported() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_address(host="bad host", port=70000, poll_interval=0)
    assert set(caught.value.details) == {"host", "port", "poll_interval"}
    assert caught.value.code == "validation_error"


def test_good_address_passes() -> None:
    validate_address(host="10.0.0.5", port=2202, poll_interval=5)


@pytest.mark.parametrize(
    ("host", "normal"),
    [
        ("RX.Example.", "rx.example"),
        ("010.020.030.040", "10.20.30.40"),
        ("::FFFF:10.20.30.40", "10.20.30.40"),
        ("2001:DB8:0:0::1", "2001:db8::1"),
        ("fe80::1%eth0", "fe80::1%eth0"),
    ],
)
def test_hosts_have_one_spelling(host: str, normal: str) -> None:
    assert normalize_host(host) == normal


@pytest.mark.parametrize("char", ["\x07", "\x1b", "\n", "\u202e", "\u200b", "\u2028"])
def test_control_and_format_characters_are_named(char: str) -> None:
    assert f"U+{ord(char):04X}" in text_problem(f"Lead{char}")


def test_ordinary_names_pass() -> None:
    assert text_problem("Bühne links — Ω 1") == ""
