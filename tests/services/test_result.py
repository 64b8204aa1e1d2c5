"""ServiceResult: the result of a call whose failure is an ordinary outcome."""

import pytest

from micboard.exceptions import DeviceTimeoutError, MicboardError, NotFoundError
from micboard.services.result import ServiceResult


def test_success_unwraps_to_its_value() -> None:
    result = ServiceResult.success(3, "done")
    assert (result.ok, result.value, result.error_code, result.message) == (True, 3, "", "done")
    assert result.unwrap() == 3


def test_failure_from_error_keeps_code_message_and_value() -> None:
    result = ServiceResult.from_error(DeviceTimeoutError("too slow"), value=7)
    assert (result.ok, result.value) == (False, 7)
    assert (result.error_code, result.message) == ("device_timeout", "too slow")
    with pytest.raises(MicboardError, match="too slow"):
        result.unwrap()


def test_a_failure_without_a_message_unwraps_to_its_code() -> None:
    result: ServiceResult[int] = ServiceResult.failure(NotFoundError.code, "")
    with pytest.raises(MicboardError, match=r"^not_found$"):
        result.unwrap()


def test_a_success_without_a_value_does_not_unwrap() -> None:
    with pytest.raises(MicboardError):
        ServiceResult(ok=True).unwrap()
