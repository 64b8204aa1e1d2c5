"""upsert_rows: new rows inserted, existing ones updated, every object given its key."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from micboard.infrastructure.upsert import upsert_rows
from micboard.models import Channel
from tests.factories import make_receiver, make_venue
from tests.queries import query_budget

pytestmark = pytest.mark.django_db

AT = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)
UPDATED = ["name", "battery_bars", "rf_levels", "warnings", "updated_at"]


def channel(receiver_id: int, number: int, name: str, bars: int | None) -> Channel:
    return Channel(
        receiver_id=receiver_id,
        number=number,
        name=name,
        battery_bars=bars,
        rf_levels=[90, 85],
        warnings=["low"] if bars == 1 else [],
        updated_at=AT,
    )


def test_new_rows_are_inserted_and_existing_ones_updated_in_one_statement() -> None:
    receiver = make_receiver(make_venue())
    first = [channel(receiver.pk, 1, "Lead", 4)]
    upsert_rows(Channel, first, unique_fields=["receiver", "number"], update_fields=UPDATED)
    kept = first[0].pk
    again = [channel(receiver.pk, 1, "Lead vocal", 1), channel(receiver.pk, 2, "Bass", None)]
    with query_budget(1):
        upsert_rows(Channel, again, unique_fields=["receiver", "number"], update_fields=UPDATED)
    assert again[0].pk == kept
    assert again[1].pk not in {None, kept}
    assert not again[0]._state.adding
    rows = {c.pk: c for c in Channel.objects.filter(receiver=receiver)}
    assert (rows[kept].name, rows[kept].battery_bars, rows[kept].warnings) == (
        "Lead vocal",
        1,
        ["low"],
    )
    assert (rows[again[1].pk].name, rows[again[1].pk].battery_bars) == ("Bass", None)
    assert rows[again[1].pk].rf_levels == [90, 85]


def test_only_the_update_fields_change_on_a_conflict() -> None:
    receiver = make_receiver(make_venue())
    upsert_rows(
        Channel,
        [channel(receiver.pk, 1, "Lead", 4)],
        unique_fields=["receiver", "number"],
        update_fields=UPDATED,
    )
    changed = channel(receiver.pk, 1, "Renamed", 3)
    changed.tx_type = "not written"
    upsert_rows(Channel, [changed], unique_fields=["receiver", "number"], update_fields=["name"])
    row = Channel.objects.get(receiver=receiver)
    assert (row.name, row.battery_bars, row.tx_type) == ("Renamed", 4, "")


def test_objects_with_a_key_and_no_objects() -> None:
    receiver = make_receiver(make_venue())
    keyed = channel(receiver.pk, 1, "Lead", 4)
    keyed.pk = 99
    with pytest.raises(ValueError, match="without a primary key"):
        upsert_rows(Channel, [keyed], unique_fields=["receiver", "number"], update_fields=["name"])
    with query_budget(0):
        upsert_rows(Channel, [], unique_fields=["receiver", "number"], update_fields=["name"])
