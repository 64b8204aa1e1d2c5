"""One batch write for both outcomes of a poll: its query budget and what it stores."""

from __future__ import annotations

import pytest

from micboard.composition import device_service
from micboard.models import ChannelState, Receiver, ReceiverStatus
from micboard.services.dto import PolledSnapshot, UnreachablePoll
from tests.factories import make_receiver, make_venue, snapshot
from tests.queries import TRANSACTION_CONTROL, query_budget

pytestmark = pytest.mark.django_db


def a_mixed_batch_costs(queries: int, size: int) -> None:
    """A steady-state batch of ``size`` answering and ``size`` silent receivers."""
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
    with query_budget(queries, ignore=TRANSACTION_CONTROL):
        write()


@pytest.mark.usefixtures("alerts_off")
def test_a_mixed_batch_costs_the_same_for_1_or_8_receivers_of_each_outcome() -> None:
    # answered: read channels, update receivers, upsert channels; silent: 3 updates
    a_mixed_batch_costs(6, 1)
    a_mixed_batch_costs(6, 8)


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
