"""Column values as the database adapter takes them, what ``Field.get_db_prep_save`` returns.

A batch write prepares thousands of values; Django's chain for each (``pre_save``,
``get_db_prep_save``, ``get_prep_value``, ``to_python``, the backend's adapter) is most of
a channel upsert's CPU. For the plain values a poll writes (a ``str`` in a text column, an
``int`` in an integer one, a ``bool``, an aware ``datetime``) on PostgreSQL that chain
returns the value itself or the value in psycopg's integer type: ``column_preparer`` does
just that, and hands every other value (``None`` included) and every other field to
Django's own chain. ``tests/infrastructure/test_db_values.py`` holds both ways equal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import DateField, DateTimeField, Field, Model

Preparer = Callable[[Model], Any]

_TEXT = {"CharField", "TextField"}


def column_preparer(
    field: Field[Any, Any], connection: BaseDatabaseWrapper, *, add: bool | None
) -> Preparer:
    """A function of an object giving ``field``'s value for an INSERT (``add`` True) or an
    UPDATE (False): ``field.get_db_prep_save(field.pre_save(obj, add), connection)``; with
    ``add`` None, of the attribute as it is (``pre_save`` not called)."""

    def generic(obj: Model) -> Any:
        value = getattr(obj, field.attname) if add is None else field.pre_save(obj, add)
        return field.get_db_prep_save(value, connection)

    sets_on_save = isinstance(field, DateField) and (field.auto_now or field.auto_now_add)
    if connection.vendor != "postgresql" or field.is_relation or (add is not None and sets_on_save):
        return generic
    return _plain(field, connection, generic) or generic


def _plain(
    field: Field[Any, Any], connection: BaseDatabaseWrapper, generic: Preparer
) -> Preparer | None:
    attname, kind = field.attname, field.get_internal_type()
    integer = getattr(connection.ops, "integerfield_type_map", {}).get(kind)
    if integer is not None:

        def as_integer(obj: Model) -> Any:
            value = getattr(obj, attname)
            return integer(value) if type(value) is int else generic(obj)

        return as_integer
    plain: type | None = {"BooleanField": bool, **dict.fromkeys(_TEXT, str)}.get(kind)
    if plain is not None:

        def as_is(obj: Model) -> Any:
            value = getattr(obj, attname)
            return value if type(value) is plain else generic(obj)

        return as_is
    if type(field) is DateTimeField:

        def aware(obj: Model) -> Any:
            value = getattr(obj, attname)
            if type(value) is datetime and value.tzinfo is not None:
                return value
            return generic(obj)  # naive: Django warns and makes it aware

        return aware
    return None


def column_name(field: Field[Any, Any] | None) -> str:
    if field is None or not field.column:
        raise TypeError(f"{field!r} has no database column")
    return field.column
