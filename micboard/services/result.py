"""``ServiceResult``: what a service call returns when failure is an expected outcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from micboard.exceptions import MicboardError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ServiceResult(Generic[T]):
    ok: bool
    value: T | None = None
    error_code: str = ""
    message: str = ""

    @classmethod
    def success(cls, value: T, message: str = "") -> ServiceResult[T]:
        return cls(ok=True, value=value, message=message)

    @classmethod
    def failure(cls, error_code: str, message: str, value: T | None = None) -> ServiceResult[T]:
        return cls(ok=False, value=value, error_code=error_code, message=message)

    @classmethod
    def from_error(cls, error: MicboardError, value: T | None = None) -> ServiceResult[T]:
        return cls.failure(error.code, error.message, value)

    def unwrap(self) -> T:
        """The value of a successful result; raises ``MicboardError`` otherwise."""
        if not self.ok or self.value is None:
            raise MicboardError(self.message or self.error_code)
        return self.value
