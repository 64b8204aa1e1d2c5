"""column_preparer gives what Django's own chain gives, for every column of a sync's rows."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Field, Model

from micboard.infrastructure.db_values import column_preparer
from micboard.models import Alert, Channel, Receiver

pytestmark = pytest.mark.django_db

AWARE = datetime(2026, 12, 2, 5, 0, 30, 123456, tzinfo=UTC)
NAIVE = datetime(2026, 12, 2, 5, 0, 30)
SAMPLES: tuple[Any, ...] = (None, 0, 7, 65535, True, False, "", "HH05 Host", AWARE, NAIVE, [1, 2])


def fields() -> list[Field[Any, Any]]:
    return [f for model in (Channel, Receiver, Alert) for f in model._meta.concrete_fields]


@pytest.mark.parametrize("add", [True, False, None])
def test_every_value_is_prepared_as_django_prepares_it(add: bool | None) -> None:
    for field in fields():
        prepare = column_preparer(field, connection, add=add)
        for value in SAMPLES:
            obj: Model = field.model()
            setattr(obj, field.attname, value)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the naive datetime's, both ways
                try:
                    given = field.pre_save(obj, add) if add is not None else value
                    expected = field.get_db_prep_save(given, connection)
                except (TypeError, ValueError, ValidationError):
                    with pytest.raises((TypeError, ValueError, ValidationError)):
                        prepare(obj)
                    continue
                prepared = prepare(obj)
            described = f"{field.model.__name__}.{field.name} = {value!r}"
            if hasattr(expected, "obj"):  # psycopg's Jsonb wrapper: what it wraps
                assert (type(prepared), prepared.obj) == (type(expected), expected.obj), described
            elif field.name in {"created_at"} and add:
                assert type(prepared) is type(expected), described  # both "now"
            else:
                assert (type(prepared), prepared) == (type(expected), expected), described
