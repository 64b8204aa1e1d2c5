"""Body fields that take JSON types as the schema states them: no "5" for 5, no 1 for true.

Django REST framework's fields coerce ("5" -> 5, "yes" -> True, 5 -> "5"), which suits
query strings but lets a JSON body break its schema unnoticed. Query parameters keep the
coercing fields.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any

from django.core.validators import slug_re
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from micboard.models import Venue

# The largest primary key the databases store (a signed 64-bit integer).
MAX_ID = 2**63 - 1
# The widest offset any time zone has (Kiribati's +14:00); PostgreSQL stores none past 15:59.
MAX_UTC_OFFSET = timedelta(hours=14)
# A path ID the routes take (up to 18 digits); a longer one is a 404 like any unknown ID.
ID_PATTERN = "[0-9]{1,18}"


def _require(data: Any, kind: type, name: str) -> None:
    if not isinstance(data, kind) or (kind is int and isinstance(data, bool)):
        raise serializers.ValidationError(f"Expected {name}, got {type(data).__name__}.")


class JsonString(serializers.CharField):
    def to_internal_value(self, data: Any) -> str:
        _require(data, str, "a string")
        return super().to_internal_value(data)


class JsonSlug(serializers.SlugField):
    def to_internal_value(self, data: Any) -> str:
        _require(data, str, "a string")
        return super().to_internal_value(data)


class JsonChoice(serializers.ChoiceField):
    def to_internal_value(self, data: Any) -> str:
        _require(data, str, "a string")
        return str(super().to_internal_value(data))


class JsonInteger(serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        _require(data, int, "an integer")
        return super().to_internal_value(data)


class JsonBoolean(serializers.BooleanField):
    def to_internal_value(self, data: Any) -> bool:
        _require(data, bool, "true or false")
        return super().to_internal_value(data)


class VenueSlug(serializers.SlugRelatedField[Venue]):
    """A venue named by its slug."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="slug", queryset=Venue.objects.all(), **kwargs)

    def to_internal_value(self, data: Any) -> Venue:
        _require(data, str, "a venue slug")
        if not slug_re.match(data):  # never looked up: PostgreSQL refuses a NUL in a query
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)


def refuse_unknown_keys(
    data: Any, fields: dict[str, serializers.Field[Any, Any, Any, Any]]
) -> None:
    """A 400 naming each key of a JSON object body that is not a writable field."""
    if isinstance(data, dict):
        writable = {name for name, field in fields.items() if not field.read_only}
        unknown = sorted(str(key) for key in data if key not in writable)
        if unknown:
            raise serializers.ValidationError(
                {key: "not a field this request may set" for key in unknown}
            )


class StrictBody(serializers.Serializer[dict[str, Any]]):
    """A JSON object body that names only fields it may set: an unknown or read-only key
    is a 400, not silently ignored."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        refuse_unknown_keys(data, dict(self.fields))
        return dict(super().to_internal_value(data))


class StrictModelBody(serializers.ModelSerializer[Any]):
    """A model serializer whose bodies are strict as ``StrictBody``'s."""

    def to_internal_value(self, data: Any) -> Any:
        refuse_unknown_keys(data, dict(self.fields))
        return super().to_internal_value(data)


TIME_PATTERN = "([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?"


@extend_schema_field({"type": "string", "pattern": f"^{TIME_PATTERN}$", "example": "19:30"})
class JsonTime(serializers.Field[time, str, str, Any]):
    """A time of day as ``HH:MM`` (or ``HH:MM:SS``), without an offset: the venue's time.
    Shown as ``HH:MM:SS``. (OpenAPI's ``format: time`` would require an offset.)"""

    default_error_messages = {"invalid": "Expected a time of day as HH:MM, e.g. 19:30."}

    def to_internal_value(self, data: Any) -> time:
        _require(data, str, "a string")
        if not re.fullmatch(TIME_PATTERN, data):
            self.fail("invalid")
        hours, minutes, *seconds = (int(part) for part in data.split(":"))
        return time(hours, minutes, seconds[0] if seconds else 0)

    def to_representation(self, value: time) -> str:
        return value.strftime("%H:%M:%S")


class JsonPrimaryKey(serializers.PrimaryKeyRelatedField[Any]):
    """An object named by its ID, given as a JSON integer."""

    def to_internal_value(self, data: Any) -> Any:
        _require(data, int, "an integer ID")
        if not 1 <= data <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


@extend_schema_field({"type": "string", "format": "date-time"})
class JsonDateTime(serializers.Field[datetime, str, str, Any]):
    """An ISO 8601 date and time as a string; one without a UTC offset stays naive, for the
    service to read in the venue's time zone."""

    default_error_messages = {
        "invalid": "Expected an ISO 8601 date and time, e.g. 2026-12-06T19:30.",
        "offset": "A UTC offset is between -14:00 and +14:00.",
    }

    def to_internal_value(self, data: Any) -> datetime:
        _require(data, str, "a string")
        try:
            parsed = parse_datetime(data)
        except ValueError:
            parsed = None
        if parsed is None:
            self.fail("invalid")
        offset = parsed.utcoffset()
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            self.fail("offset")
        return parsed

    def to_representation(self, value: datetime) -> str:
        return value.isoformat()
