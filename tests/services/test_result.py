import pytest

from micboard.exceptions import DeviceTimeoutError, MicboardError
from micboard.infrastructure.events import NullPublisher
from micboard.services.result import ServiceResult


def test_success_unwraps() -> None:
    assert ServiceResult.success(3).unwrap() == 3


def test_failure_from_error_keeps_code_and_message() -> None:
    result: ServiceResult[int] = ServiceResult.from_error(DeviceTimeoutError("too slow"))
    assert not result.ok
    assert (result.error_code, result.message) == ("device_timeout", "too slow")
    with pytest.raises(MicboardError, match="too slow"):
        result.unwrap()


def test_null_publisher_accepts_events() -> None:
    assert NullPublisher().receiver_changed(receiver_id=1, venue_id=2) is None
