import pytest

from micboard.exceptions import ValidationError
from micboard.services.validation import is_valid_host, validate_address


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "rx-01.venue.lan", "ulxd4q"])
def test_valid_hosts(host: str) -> None:
    assert is_valid_host(host)


@pytest.mark.parametrize("host", ["", "bad host", "-lead.lan", "a" * 254, "x..y"])
def test_invalid_hosts(host: str) -> None:
    assert not is_valid_host(host)


def test_every_bad_field_is_reported() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_address(host="bad host", port=70000, poll_interval=0)
    assert set(caught.value.details) == {"host", "port", "poll_interval"}
    assert caught.value.code == "validation_error"


def test_good_address_passes() -> None:
    validate_address(host="10.0.0.5", port=2202, poll_interval=5)
