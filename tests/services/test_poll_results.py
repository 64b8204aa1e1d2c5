"""One batch write for both outcomes of a poll: its query budget and what it stores."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from micboard.composition import device_service
from micboard.models import ChannelState, Receiver, ReceiverStatus
from micboard.services.dto import PolledSnapshot, UnreachablePoll
from tests.factories import make_receiver, make_venue
from tests.services.test_devices import snapshot

pytestmark = pytest.mark.django_db

SKIPPED_SQL = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT")


def queries_of_a_mixed_batch(size: int) -> int:
    """Queries of a steady-state batch of ``size`` answering and ``size`` silent receivers."""
    venue = make_venue()
    answering = [make_receiver(venue) for _ in range(size)]
    silent = [make_receiver(venue) for _ in range(size)]
    devices = device_service()

    def write() -> None:
        devices.polls_apply(
            answered=[PolledSnapshot(r, snapshot(4)) for r in answering],
            unreachable=[UnreachablePoll(r, "refused") for r in silent],
        )

    write()  # the first write creates the channels and the telemetry
    with CaptureQueriesContext(connection) as captured:
        write()
    return len([q for q in captured if not q["sql"].startswith(SKIPPED_SQL)])


def test_a_mixed_batch_costs_the_same_for_1_or_8_receivers_of_each_outcome() -> None:
    one, eight = queries_of_a_mixed_batch(1), queries_of_a_mixed_batch(8)
    # answered: read channels, update receivers, upsert channels; silent: 3 updates
    assert one == eight == 6


def test_both_outcomes_are_stored_by_one_call() -> None:
    venue = make_venue()
    answering, silent = make_receiver(venue), make_receiver(venue)
    devices = device_service()
    devices.snapshot_apply(receiver=silent, snapshot=snapshot(4))
    devices.polls_apply(
        answered=[PolledSnapshot(answering, snapshot(4))],
        unreachable=[UnreachablePoll(silent, "connection refused")],
    )
    answering.refresh_from_db()
    silent.refresh_from_db()
    assert answering.status == ReceiverStatus.ONLINE
    assert answering.channels.count() == 4
    assert (silent.status, silent.last_error) == (ReceiverStatus.OFFLINE, "connection refused")
    assert (silent.last_sync_result, silent.consecutive_failures) == ("offline", 1)
    assert set(silent.channels.values_list("state", flat=True)) == {ChannelState.RX_COM_ERROR}


def test_an_unreachable_receiver_keeps_its_next_sync_unless_told() -> None:
    receiver = make_receiver(make_venue())
    planned = Receiver.objects.get(pk=receiver.pk).next_sync_at
    device_service().polls_apply(answered=[], unreachable=[UnreachablePoll(receiver, "x" * 3000)])
    receiver.refresh_from_db()
    assert receiver.next_sync_at == planned
    assert len(receiver.last_error) == 2000
