"""Typed reads of JSON payloads in tests: the wall's state and the API's answers.

Each check fails the test, saying what came instead, when a payload is not of the shape read.
"""

from __future__ import annotations

from typing import Any, Protocol

JsonObject = dict[str, Any]


class JsonAnswer(Protocol):
    """A test client's response (Django's or the REST framework's)."""

    def __getitem__(self, header: str) -> str: ...

    def json(self) -> Any: ...


def json_object(value: object) -> JsonObject:
    assert isinstance(value, dict), f"expected a JSON object, got {value!r}"
    return value


def json_objects(value: object) -> list[JsonObject]:
    assert isinstance(value, list), f"expected a JSON array, got {value!r}"
    return [json_object(item) for item in value]


def response_json(response: JsonAnswer) -> JsonObject:
    """The JSON object an answer carries, its content type checked first."""
    assert response["Content-Type"] == "application/json"
    return json_object(response.json())
