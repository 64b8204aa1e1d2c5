"""Writing many rows' changed columns at once, cheaper than ``QuerySet.bulk_update``.

``bulk_update`` builds one CASE expression per column and row; for a batch of receivers
that costs more CPU than everything else in a sync (ADR 0016). Here one parameterised
UPDATE per row is prepared once and sent with ``executemany``: a single round trip with
psycopg's pipeline, no SQL built per row, and a row deleted meanwhile is simply not there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from django.db import connections, router
from django.db.models import Field, Model

from micboard.infrastructure.db_values import column_name, column_preparer


def update_rows(
    model: type[Model],
    objects: Sequence[Model],
    fields: Sequence[str],
    *,
    added: Mapping[str, Callable[[Any], int]] | None = None,
) -> None:
    """Write ``fields`` of each object to its row, as ``save(update_fields=...)`` would, and
    add ``added[name](obj)`` to each counter column in the same statement (``n = n + %s``:
    no update is lost to a row read before another write). Rows are written in ascending
    primary-key order, the order every multi-row write takes its row locks in, so two
    writers over overlapping rows wait for each other instead of deadlocking."""
    if not objects:
        return
    added = added or {}
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    columns = [cast(Field[Any, Any], meta.get_field(name)) for name in fields]
    counters = [column_name(cast(Field[Any, Any], meta.get_field(name))) for name in added]
    quote = connection.ops.quote_name
    assignments = ", ".join(
        [f"{quote(column_name(field))} = %s" for field in columns]
        + [f"{quote(column)} = {quote(column)} + %s" for column in counters]
    )
    # Identifiers come from the model's own metadata, values travel as parameters.
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(column_name(meta.pk))} = %s"  # noqa: S608
    )
    prepared = [column_preparer(field, connection, add=None) for field in columns]
    rows = [
        [prepare(obj) for prepare in prepared]
        + [amount(obj) for amount in added.values()]
        + [obj.pk]
        for obj in sorted(objects, key=lambda obj: cast(int, obj.pk))
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
