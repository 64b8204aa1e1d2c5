"""update_rows: each object's chosen columns written to its row, one round trip in all."""

from __future__ import annotations

import pytest

from micboard.infrastructure.bulk import update_rows
from micboard.models import Receiver
from tests.factories import make_receiver, make_venue
from tests.queries import query_budget

pytestmark = pytest.mark.django_db


def test_only_the_named_columns_are_written() -> None:
    venue = make_venue()
    receivers = [make_receiver(venue) for _ in range(3)]
    for index, receiver in enumerate(receivers):
        receiver.firmware = f"1.{index}"
        receiver.last_sync_duration_ms = index * 10
        receiver.name = "not saved"
    with query_budget(1):
        update_rows(Receiver, receivers, ["firmware", "last_sync_duration_ms"])
    rows = Receiver.objects.filter(venue=venue).order_by("pk")
    assert [(r.firmware, r.last_sync_duration_ms) for r in rows] == [
        ("1.0", 0),
        ("1.1", 10),
        ("1.2", 20),
    ]
    assert "not saved" not in {r.name for r in rows}


def test_a_deleted_row_is_skipped_and_nothing_is_written_for_no_objects() -> None:
    venue = make_venue()
    kept, gone = make_receiver(venue), make_receiver(venue)
    Receiver.objects.filter(pk=gone.pk).delete()
    kept.firmware = gone.firmware = "9.9"
    update_rows(Receiver, [kept, gone], ["firmware"])
    assert list(Receiver.objects.filter(venue=venue).values_list("firmware", flat=True)) == ["9.9"]
    with query_budget(0):
        update_rows(Receiver, [], ["firmware"])


def test_counters_are_added_to_in_the_same_statement_whatever_was_read() -> None:
    venue = make_venue()
    receivers = [make_receiver(venue) for _ in range(2)]
    stale = list(Receiver.objects.filter(venue=venue).order_by("pk"))  # read before a write
    Receiver.objects.filter(pk=receivers[0].pk).update(skipped_messages=5)
    amounts = {receivers[0].pk: 2, receivers[1].pk: 3}
    for receiver in stale:
        receiver.firmware = "2.0"
    with query_budget(1):
        update_rows(
            Receiver, stale, ["firmware"], added={"skipped_messages": lambda r: amounts[r.pk]}
        )
    rows = Receiver.objects.filter(venue=venue).order_by("pk")
    assert [(r.firmware, r.skipped_messages) for r in rows] == [("2.0", 7), ("2.0", 3)]
