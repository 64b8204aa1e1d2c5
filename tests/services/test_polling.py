"""ReceiverPoller: one poll per receiver, in order, several at once on real sockets."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from micboard.exceptions import DeviceUnreachableError
from micboard.infrastructure.clock import SystemClock
from micboard.integrations.base import ReceiverSnapshot
from micboard.integrations.registry import default_registry
from micboard.integrations.shure.fleet import Fleet
from micboard.models import Receiver
from micboard.services.polling import (
    FORM_RECHECK_SECONDS,
    FORM_RECHECK_SPREAD_SECONDS,
    ReceiverPoller,
)
from tests.conftest import StartFleet
from tests.factories import make_receiver, make_venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def fleet(start_fleet: StartFleet) -> Fleet:
    running = start_fleet(*["QLXD4"] * 4)
    for index in range(4):
        running.receiver(index).latency = 0.2
    return running


def poller(concurrency: int) -> ReceiverPoller:
    return ReceiverPoller(
        registry=default_registry(),
        clock=SystemClock(),
        device_timeout=2.0,
        concurrency=concurrency,
    )


def receivers(fleet: Fleet) -> list[Receiver]:
    venue = make_venue()
    made = [make_receiver(venue, model="QLXD4", port=fleet.receiver(i).port) for i in range(4)]
    made.insert(2, make_receiver(venue, model="QLXD4"))  # nothing listens there
    return made


def overlapping(starts_and_ends: list[tuple[float, float]]) -> bool:
    """Every poll began before the first one ended."""
    return max(start for start, _ in starts_and_ends) < min(end for _, end in starts_and_ends)


def test_concurrent_polls_overlap_and_keep_their_order(fleet: Fleet) -> None:
    polled = receivers(fleet)
    polls = poller(concurrency=8).poll_all(polled)
    assert [type(p.reply) for p in polls] == [
        ReceiverSnapshot, ReceiverSnapshot, DeviceUnreachableError, ReceiverSnapshot,
        ReceiverSnapshot,
    ]  # fmt: skip
    answered = [p for p in polls if isinstance(p.reply, ReceiverSnapshot)]
    spans = [
        (p.started.timestamp(), p.started.timestamp() + p.duration_ms / 1000) for p in answered
    ]
    assert overlapping(spans)


def test_a_concurrency_of_one_polls_one_after_another(fleet: Fleet) -> None:
    polled = receivers(fleet)
    polls = [p for p in poller(concurrency=1).poll_all(polled) if p.duration_ms >= 200]
    spans = [(p.started.timestamp(), p.started.timestamp() + p.duration_ms / 1000) for p in polls]
    assert len(spans) == 4
    assert not overlapping(spans)


def test_rounds_count_the_conversations_a_batch_may_wait_through() -> None:
    assert [poller(concurrency=10).rounds(n) for n in (0, 1, 10, 11, 20)] == [1, 1, 1, 2, 2]
    assert poller(concurrency=1).rounds(3) == 3


def test_batches_in_different_threads_never_share_a_pool() -> None:
    shared = poller(concurrency=4)
    pools: list[object] = []

    def take() -> None:
        pools.extend([shared._thread_pool(), shared._thread_pool()])

    threads = [threading.Thread(target=take) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert pools[0] is pools[1]
    assert pools[2] is pools[3]
    assert pools[0] is not pools[2]


class FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at

    def monotonic(self) -> float:
        return 0.0


def test_a_receiver_on_the_per_parameter_form_tries_get_all_again_once_in_each_span(
    start_fleet: StartFleet,
) -> None:
    """Firmware that gained ``GET ALL`` since: the recheck poll finds it; the other polls
    keep the remembered form; a device still without it answers the recheck anyway."""
    fleet = start_fleet("ULXD4")
    simulated = fleet.receiver(0)
    simulated.configure(no_get_all=True)
    receiver = make_receiver(make_venue(), model="ULXD4", port=simulated.port)
    receiver.request_form = "param"
    window = FORM_RECHECK_SECONDS * 10**6 - receiver.pk * FORM_RECHECK_SPREAD_SECONDS
    recheck = datetime.fromtimestamp(window, UTC)
    later = recheck + timedelta(seconds=receiver.poll_interval)

    def form_at(at: datetime) -> str:
        polled = ReceiverPoller(
            registry=default_registry(), clock=FixedClock(at), device_timeout=2.0, concurrency=1
        ).poll(receiver)
        assert isinstance(polled.reply, ReceiverSnapshot), polled.reply
        return polled.reply.diagnostics.request_form

    assert form_at(recheck) == "param"  # still no GET ALL: the fallback answers in time
    simulated.configure(no_get_all=False)
    assert form_at(later) == "param"
    assert form_at(recheck) == "all"
