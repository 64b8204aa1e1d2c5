"""The error envelope: micboard's errors by class, Django REST framework's reshaped."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from rest_framework import exceptions

from micboard.api import errors
from micboard.api.errors import api_exception_handler, status_for
from micboard.exceptions import (
    ConfigurationError,
    ConflictError,
    DeviceTimeoutError,
    MicboardError,
    NotFoundError,
    UnknownProtocolError,
    ValidationError,
)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (ValidationError("bad", details={"port": "0"}), 400),
        (UnknownProtocolError("x"), 400),
        (NotFoundError("gone"), 404),
        (ConflictError("taken"), 409),
        (DeviceTimeoutError("slow"), 502),
        (ConfigurationError("unset"), 500),
        (MicboardError("other"), 400),
    ],
)
def test_micboard_errors_map_to_statuses(error: MicboardError, status: int) -> None:
    assert status_for(error) == status
    response = api_exception_handler(error, {})
    assert response is not None
    assert response.status_code == status
    assert response.data == {
        "error": {"code": error.code, "message": error.message, "details": error.details}
    }


def test_framework_errors_share_the_envelope() -> None:
    invalid = api_exception_handler(exceptions.ValidationError({"port": ["too big"]}), {})
    assert invalid is not None
    assert invalid.data["error"]["code"] == "validation_error"
    assert invalid.data["error"]["details"] == {"port": ["too big"]}
    listed = api_exception_handler(exceptions.ValidationError(["not an object"]), {})
    assert listed is not None
    assert listed.data["error"]["details"] == {"non_field_errors": ["not an object"]}
    missing = api_exception_handler(Http404("no"), {})
    assert missing is not None
    assert (missing.status_code, missing.data["error"]["code"]) == (404, "not_found")
    assert api_exception_handler(RuntimeError("bug"), {}) is None


def test_django_error_pages_are_the_envelope_only_under_the_api() -> None:
    factory = RequestFactory()
    denied = errors.permission_denied(factory.get("/api/v1/venues/"), PermissionDenied())
    assert (denied.status_code, denied["Content-Type"]) == (403, "application/json")
    assert b'"permission_denied"' in denied.content
    page = errors.permission_denied(factory.get("/wall/"), PermissionDenied())
    assert page.status_code == 403
    assert not page["Content-Type"].startswith("application/json")
    assert errors.server_error(factory.get("/wall/")).status_code == 500
    assert not errors.server_error(factory.get("/wall/"))["Content-Type"].startswith(
        "application/json"
    )
