"""Dispatcher -> Celery worker -> driver -> simulator on real sockets -> database rows."""

from __future__ import annotations

import ast
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection

from micboard.composition import sync_service
from micboard.integrations.shure.fleet import Fleet
from micboard.integrations.shure.simulator import GarbageMode
from micboard.models import Channel, ChannelState, Receiver, ReceiverStatus
from micboard.services.dto import SyncOutcome
from micboard.workers.celery import app
from tests.system.conftest import StartWorker, register_fleet
from tests.waiting import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.system]


def dispatch_via_worker(venue_id: int, queue: str) -> None:
    app.send_task("micboard.dispatch_due_syncs", args=[venue_id], queue=queue, routing_key=queue)


def statuses(receivers: list[Receiver]) -> list[str]:
    return [Receiver.objects.get(pk=r.pk).status for r in receivers]


def test_dispatched_syncs_write_what_the_receivers_report(
    start_fleet: Callable[..., Fleet], venue_worker: StartWorker
) -> None:
    fleet = start_fleet("ULXD4Q", "ULXD4D", "QLXD4")
    venue, receivers = register_fleet(fleet)
    with venue_worker(venue):
        dispatch_via_worker(venue.pk, venue.queue_name)
        wait_for(
            lambda: statuses(receivers) == [ReceiverStatus.ONLINE] * 3,
            timeout=15,
            what="every receiver online",
        )
    for receiver, simulated in zip(receivers, fleet.receivers, strict=True):
        receiver.refresh_from_db()
        assert receiver.firmware
        assert receiver.device_id == simulated.spec.device_id
        channels = list(Channel.objects.filter(receiver=receiver).order_by("number"))
        assert len(channels) == simulated.channel_count
        for channel, spec in zip(channels, simulated.spec.channels, strict=True):
            assert channel.name == spec.name
            assert channel.frequency_khz == spec.frequency_khz
            assert channel.tx_type == spec.transmitter
            assert channel.runtime_minutes == spec.runtime_minutes
            assert channel.state in {ChannelState.GOOD, ChannelState.REPLACE, ChannelState.CRITICAL}


def test_a_changed_value_reaches_the_database_on_the_next_poll(
    start_fleet: Callable[..., Fleet], venue_worker: StartWorker
) -> None:
    fleet = start_fleet("ULXD4D")
    venue, (receiver,) = register_fleet(fleet)
    with venue_worker(venue):
        dispatch_via_worker(venue.pk, venue.queue_name)
        wait_for(lambda: statuses([receiver]) == [ReceiverStatus.ONLINE], timeout=15)
        fleet.receiver(0).set_channel_name(2, "BP99 Kim")
        fleet.receiver(0).set_battery(2, 1, 42)

        def renamed() -> bool:
            dispatch_via_worker(venue.pk, venue.queue_name)
            channel = Channel.objects.get(receiver=receiver, number=2)
            return channel.name == "BP99 Kim" and channel.state == ChannelState.CRITICAL

        wait_for(renamed, timeout=15, interval=0.5, what="the rename in the database")


def test_unreachable_receiver_goes_offline_then_recovers(
    start_fleet: Callable[..., Fleet], venue_worker: StartWorker
) -> None:
    fleet = start_fleet("ULXD4")
    venue, (receiver,) = register_fleet(fleet)
    fleet.receiver(0).online = False
    with venue_worker(venue):
        dispatch_via_worker(venue.pk, venue.queue_name)
        wait_for(lambda: statuses([receiver]) == [ReceiverStatus.OFFLINE], timeout=15)
        receiver.refresh_from_db()
        assert "refused" in receiver.last_error
        assert receiver.consecutive_failures >= 1
        fleet.receiver(0).online = True
        sync_service().receivers_resync(receiver_ids=[receiver.pk], requested_by="test")
        wait_for(lambda: statuses([receiver]) == [ReceiverStatus.ONLINE], timeout=15)
    receiver.refresh_from_db()
    assert (receiver.last_error, receiver.consecutive_failures) == ("", 0)


@pytest.mark.parametrize(
    ("fault", "expected_error"),
    [
        ("silent", "within"),
        ("close_mid_reply", "closed"),
        ("garbage_only", "garbage"),
    ],
)
def test_misbehaving_receiver_is_offline_with_a_readable_error(
    start_fleet: Callable[..., Fleet], venue_worker: StartWorker, fault: str, expected_error: str
) -> None:
    fleet = start_fleet("ULXD4D", "ULXD4")
    venue, (broken, healthy) = register_fleet(fleet)
    simulated = fleet.receiver(0)
    if fault == "garbage_only":
        simulated.garbage = GarbageMode.ONLY
    else:
        setattr(simulated, fault, True)
    with venue_worker(venue):
        dispatch_via_worker(venue.pk, venue.queue_name)
        wait_for(
            lambda: statuses([broken, healthy]) == [ReceiverStatus.OFFLINE, ReceiverStatus.ONLINE],
            timeout=20,
            what="broken offline, healthy online",
        )
    broken.refresh_from_db()
    assert expected_error in broken.last_error.lower()
    assert f"127.0.0.1:{simulated.port}" in broken.last_error
    assert not Channel.objects.filter(receiver=broken).exists()  # nothing half-written


def test_two_concurrent_syncs_of_one_receiver_do_not_both_poll(
    start_fleet: Callable[..., Fleet],
) -> None:
    fleet = start_fleet("ULXD4")
    _, (receiver,) = register_fleet(fleet)
    fleet.receiver(0).latency = 0.5
    results: list[SyncOutcome] = []
    start = threading.Barrier(2)

    def sync() -> None:
        start.wait(timeout=5)
        try:
            results.extend(sync_service().receivers_sync(receiver_ids=[receiver.pk]))
        finally:
            connection.close()

    threads = [threading.Thread(target=sync) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)
    outcomes = sorted((r.status, r.detail) for r in results)
    assert outcomes == [("skipped", "locked"), ("synced", "")]
    polls = [c for c in fleet.receiver(0).recent_commands if c.param == "ALL"]
    assert len(polls) == 1


BATCH = "micboard.sync_receivers"


@contextmanager
def task_events() -> Iterator[list[dict[str, Any]]]:
    """Every task event the workers send while the block runs: what Flower sees."""
    events: list[dict[str, Any]] = []
    ready = threading.Event()
    receivers: list[Any] = []

    def capture() -> None:
        with app.connection() as conn:
            receiver = app.events.Receiver(conn, handlers={"*": events.append})
            receivers.append(receiver)
            ready.set()
            receiver.capture(limit=None, timeout=None, wakeup=False)

    thread = threading.Thread(target=capture, daemon=True)
    thread.start()
    assert ready.wait(10), "the event receiver did not connect"
    try:
        yield events
    finally:
        receivers[0].should_stop = True
        thread.join(10)


def test_a_batch_shows_each_receiver_in_its_task_events(
    start_fleet: Callable[..., Fleet], venue_worker: StartWorker
) -> None:
    fleet = start_fleet("ULXD4Q", "QLXD4", "ULXD4D")
    venue, receivers = register_fleet(fleet)
    Receiver.objects.filter(pk=receivers[2].pk).update(port=1)  # nothing answers there
    ids = [r.pk for r in receivers]
    with task_events() as events, venue_worker(venue):
        dispatch_via_worker(venue.pk, venue.queue_name)

        def batch() -> tuple[dict[str, Any], dict[str, Any]] | None:
            received = {e["uuid"]: e for e in events if e["type"] == "task-received"}
            for event in events:
                sent = received.get(event.get("uuid", ""), {})
                if event["type"] == "task-succeeded" and sent.get("name") == BATCH:
                    return sent, event
            return None

        sent, succeeded = wait_for(batch, timeout=15, what="the batch's task events")
    assert sorted(ast.literal_eval(sent["kwargs"])["receiver_ids"]) == sorted(ids)
    assert ast.literal_eval(succeeded["result"]) == {
        str(ids[0]): "synced",
        str(ids[1]): "synced",
        str(ids[2]): "offline",
    }
