"""One error envelope for the API: ``{"error": {"code", "message", "details"}}``.

``MicboardError`` subclasses map to HTTP statuses by class; Django REST framework's own
errors (validation, authentication, permissions, parsing, 404, 405) are reshaped into the
same envelope, keeping their headers (``WWW-Authenticate``, ``Allow``). Django's own error
pages (a bad ``Host``, a body over the size limit, an uncaught exception) use it too under
``/api/``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from micboard.api.parsers import RequestTooLarge
from micboard.exceptions import (
    ConfigurationError,
    ConflictError,
    DeviceError,
    MicboardError,
    NotFoundError,
    PermissionDeniedError,
    UnknownProtocolError,
    ValidationError,
)
from micboard.exceptions import error_envelope as envelope

# First match wins: subclasses before their bases.
_STATUS_BY_ERROR: tuple[tuple[type[MicboardError], int], ...] = (
    (ValidationError, status.HTTP_400_BAD_REQUEST),
    (UnknownProtocolError, status.HTTP_400_BAD_REQUEST),
    (PermissionDeniedError, status.HTTP_403_FORBIDDEN),
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
    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
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


# --- Django's own error pages, for requests that never reach a view of the API -------------

_PAGE_ERRORS = {
    400: ("bad_request", "The request was malformed or too large, or its Host is not served."),
    403: ("permission_denied", "You do not have permission to perform this action."),
    404: ("not_found", "No such API endpoint."),
    500: ("server_error", "Something went wrong on the server; it has been logged."),
}


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _json_page(status_code: int) -> JsonResponse:
    code, message = _PAGE_ERRORS[status_code]
    return JsonResponse(envelope(code, message), status=status_code)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler400``: a bad Host, a body over the size limit and other suspicious requests."""
    if _is_api(request):
        return _json_page(400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json_page(403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json_page(404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _json_page(500)
    return defaults.server_error(request)
