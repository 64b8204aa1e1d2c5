"""The JSON parser refuses a declared length over the limit before reading the body."""

from __future__ import annotations

import io

import pytest
from django.test import RequestFactory, override_settings

from micboard.api.parsers import JSONParser, RequestTooLarge


def _context(length: str) -> dict[str, object]:
    return {"request": RequestFactory().post("/api/v1/venues/", CONTENT_LENGTH=length)}


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10)
def test_a_declared_length_over_the_limit_is_refused_unread() -> None:
    stream = io.BytesIO(b'{"name": "a venue with a long name"}')
    with pytest.raises(RequestTooLarge):
        JSONParser().parse(stream, "application/json", _context("36"))
    assert stream.tell() == 0


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10)
def test_a_malformed_length_leaves_the_limit_to_django() -> None:
    assert JSONParser().parse(io.BytesIO(b"{}"), "application/json", _context("abc")) == {}
