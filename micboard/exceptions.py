"""One exception hierarchy for the whole product, rooted in ``MicboardError``.

Every error carries a stable machine-readable ``code``; interfaces (API, admin,
commands, tasks) map codes to responses instead of matching on message text.
"""

from __future__ import annotations

from typing import Any


def error_envelope(
    code: str, message: str, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The one JSON shape of an error, for the API and the wall alike."""
    return {"error": {"code": code, "message": message, "details": details or {}}}


class MicboardError(Exception):
    """Base of every error micboard raises on purpose."""

    code = "micboard_error"

    def __init__(self, message: str = "", *, details: dict[str, object] | None = None) -> None:
        super().__init__(message or self.__class__.__doc__ or self.code)
        self.message = message or (self.__class__.__doc__ or self.code).strip()
        self.details = details or {}


class ConfigurationError(MicboardError):
    """A setting is missing or malformed."""

    code = "configuration_error"


class ValidationError(MicboardError):
    """Input did not pass validation."""

    code = "validation_error"


class NotFoundError(MicboardError):
    """The requested object does not exist."""

    code = "not_found"


class ConflictError(MicboardError):
    """The request conflicts with the current state."""

    code = "conflict"


class DeviceError(MicboardError):
    """A device could not be read: unreachable, too slow, or it answered nonsense."""

    code = "device_error"


class DeviceUnreachableError(DeviceError):
    """The device refused the connection or the network has no route to it."""

    code = "device_unreachable"


class DeviceTimeoutError(DeviceError):
    """The device did not answer in time."""

    code = "device_timeout"


class ProtocolError(DeviceError):
    """The device answered with something the protocol does not allow."""

    code = "protocol_error"


class DeviceAuthenticationError(DeviceError):
    """The device refused the credentials micboard holds for it (HTTP 401)."""

    code = "device_authentication_failed"


class CertificateMismatchError(DeviceError):
    """The device presented a certificate other than the one pinned for it."""

    code = "certificate_mismatch"


class UnknownProtocolError(MicboardError):
    """No driver is registered for a receiver's protocol."""

    code = "unknown_protocol"


class NotificationError(MicboardError):
    """A notification could not be delivered."""

    code = "notification_failed"


class PermissionDeniedError(MicboardError):
    """The caller's venue role does not allow this."""

    code = "permission_denied"
