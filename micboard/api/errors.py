"""One error envelope for the API: ``{"error": {"code", "message", "details"}}``.

``MicboardError`` subclasses map to HTTP statuses by class; Django REST framework's own
errors (validation, authentication, permissions, parsing, 404, 405) are reshaped into the
same envelope, keeping their headers (``WWW-Authenticate``, ``Allow``).
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from micboard.exceptions import (
    ConfigurationError,
    ConflictError,
    DeviceError,
    MicboardError,
    NotFoundError,
    UnknownProtocolError,
    ValidationError,
)
from micboard.exceptions import error_envelope as envelope

# First match wins: subclasses before their bases.
_STATUS_BY_ERROR: tuple[tuple[type[MicboardError], int], ...] = (
    (ValidationError, status.HTTP_400_BAD_REQUEST),
    (UnknownProtocolError, status.HTTP_400_BAD_REQUEST),
    (NotFoundError, status.HTTP_404_NOT_FOUND),
    (ConflictError, status.HTTP_409_CONFLICT),
    (DeviceError, status.HTTP_502_BAD_GATEWAY),
    (ConfigurationError, status.HTTP_500_INTERNAL_SERVER_ERROR),
)


def status_for(error: MicboardError) -> int:
    for kind, code in _STATUS_BY_ERROR:
        if isinstance(error, kind):
            return code
    return status.HTTP_400_BAD_REQUEST


def _drf_envelope(error: exceptions.APIException) -> dict[str, Any]:
    if isinstance(error, exceptions.ValidationError):
        detail = error.detail
        details = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        return envelope("validation_error", "Invalid input.", details)
    return envelope(str(error.default_code), str(error.detail))


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, MicboardError):
        return Response(envelope(exc.code, exc.message, exc.details), status=status_for(exc))
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.APIException):
        response.data = _drf_envelope(exc)
    else:  # Http404 and PermissionDenied from Django, already turned into responses
        default = (
            exceptions.NotFound if response.status_code == 404 else exceptions.PermissionDenied
        )
        response.data = envelope(str(default.default_code), str(default.default_detail))
    return response
