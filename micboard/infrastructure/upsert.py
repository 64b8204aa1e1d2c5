"""Inserting rows or updating those already there, in one statement per batch.

``upsert_rows`` is ``QuerySet.bulk_create(update_conflicts=True, ...)`` for objects without
a primary key, as Django sends it to PostgreSQL (each column one ``UNNEST``ed array, ``ON
CONFLICT ... DO UPDATE SET``, the keys ``RETURNING`` into the objects), with the statement
built once per model and columns and the values prepared by ``db_values``: the channel
upsert of every sync took 14% of a worker's CPU that way, most of it preparing values
(docs/performance.md). Other databases get ``bulk_create`` itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

from micboard.infrastructure.db_values import Preparer, column_name, column_preparer


@dataclass(frozen=True, slots=True)
class _Statement:
    sql: str
    columns: tuple[Preparer, ...]


_statements: dict[tuple[str, type[Model], tuple[str, ...], tuple[str, ...]], _Statement] = {}


def upsert_rows(
    model: type[Model],
    objects: Sequence[Model],
    *,
    unique_fields: Sequence[str],
    update_fields: Sequence[str],
) -> None:
    """Insert each object, or update ``update_fields`` of the row with its
    ``unique_fields``; each object gets its row's primary key, as ``bulk_create`` gives."""
    if not objects:
        return
    if any(obj.pk is not None for obj in objects):
        raise ValueError("upsert_rows inserts objects without a primary key")
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            objects, update_conflicts=True, unique_fields=unique_fields, update_fields=update_fields
        )
        return
    statement = _statement(connection, model, tuple(unique_fields), tuple(update_fields))
    arrays = [[prepare(obj) for obj in objects] for prepare in statement.columns]
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, arrays)
        keys = cursor.fetchall()
    if len(keys) != len(objects):
        raise RuntimeError(f"upsert of {len(objects)} rows returned {len(keys)} keys")
    for obj, (pk,) in zip(objects, keys, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


def _statement(
    connection: BaseDatabaseWrapper,
    model: type[Model],
    unique: tuple[str, ...],
    update: tuple[str, ...],
) -> _Statement:
    key = (connection.alias, model, unique, update)
    found = _statements.get(key)
    if found is None:
        found = _statements[key] = _build(connection, model, unique, update)
    return found


def _build(
    connection: BaseDatabaseWrapper,
    model: type[Model],
    unique: tuple[str, ...],
    update: tuple[str, ...],
) -> _Statement:
    meta, quote = model._meta, connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if not f.primary_key]

    def column(name: str) -> str:
        return quote(column_name(cast(Field[Any, Any], meta.get_field(name))))

    # As Django's own UNNEST insert: the type without its length (varchar, not varchar(64)).
    arrays = ", ".join(f"(%s)::{str(f.db_type(connection)).split('(')[0]}[]" for f in fields)
    assignments = ", ".join(f"{column(name)} = EXCLUDED.{column(name)}" for name in update)
    names = ", ".join(quote(column_name(f)) for f in fields)
    # Identifiers come from the model's own metadata, values travel as parameters.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({names}) SELECT * FROM UNNEST({arrays}) "  # noqa: S608
        f"ON CONFLICT ({', '.join(column(name) for name in unique)}) "
        f"DO UPDATE SET {assignments} RETURNING {quote(column_name(meta.pk))}"
    )
    preparers = tuple(column_preparer(f, connection, add=True) for f in fields)
    return _Statement(sql, preparers)
