"""A storm of resyncs of one venue, through the API, to a real worker and real receivers: the
requests coalesce, and each receiver is polled at most twice, its polls spaced apart."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from micboard.integrations.shure.fleet import Fleet
from micboard.models import Receiver, Venue
from micboard.services.access import role_grant
from micboard.services.audit import Actor
from micboard.services.sync import RESYNC_SPACING_SECONDS
from tests.system.conftest import StartWorker, register_fleet
from tests.waiting import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.system]

REQUESTS = 10
PAUSE = 0.15  # ten requests within about 1.5 s, as an operator clicking "Resync" repeatedly


def _operator(venue: Venue) -> APIClient:
    user = User.objects.create_user("storm-operator")
    role_grant(venue=venue, user=user, role="operator", actor=Actor("tests"))
    client = APIClient()
    client.force_authenticate(user)
    return client


def _polls(fleet: Fleet) -> list[int]:
    """Full polls each simulated receiver answered (one ``GET 1 ALL`` each)."""
    return [
        sum(1 for command in simulated.recent_commands if command.param == "ALL")
        for simulated in fleet.receivers
    ]


def test_a_resync_storm_coalesces_and_no_receiver_is_polled_twice_at_once(
    start_fleet: Callable[..., Fleet], venue_worker: StartWorker
) -> None:
    fleet = start_fleet("ULXD4", "ULXD4", "ULXD4")
    # A long poll interval, and no beat: every poll here comes from a resync.
    venue, receivers = register_fleet(fleet, poll_interval=300)
    client = _operator(venue)
    reports = []
    seen: dict[tuple[int, int], float] = {}  # (receiver index, poll number) -> first seen
    sampling = threading.Event()

    def record() -> list[int]:
        now, counts = time.monotonic(), _polls(fleet)
        for index, count in enumerate(counts):
            for number in range(1, count + 1):
                seen.setdefault((index, number), now)
        return counts

    def sample() -> None:  # the polls' moments, to 20 ms
        while not sampling.wait(0.02):
            record()

    sampler = threading.Thread(target=sample, daemon=True)
    with venue_worker(venue):
        sampler.start()
        try:
            began = time.monotonic()
            for _ in range(REQUESTS):
                response = client.post(f"/api/v1/venues/{venue.slug}/resync/")
                assert response.status_code == 202
                reports.append(response.json())
                time.sleep(PAUSE)
            storm = time.monotonic() - began
            enqueued = {
                r.pk: sum(r.pk in report["enqueued"] for report in reports) for r in receivers
            }
            expected = [enqueued[r.pk] for r in receivers]
            wait_for(  # records too: the last poll is seen however the sampler is scheduled
                lambda: record() == expected, timeout=20, what="one poll per queued resync"
            )
        finally:
            sampling.set()
            sampler.join(timeout=5)
    asked = REQUESTS * len(receivers)
    queued = sum(enqueued.values())
    # One resync each at once, at most one more asked while it ran, and the next ones a
    # spacing apart: two per receiver for a storm shorter than the spacing (about 1.5 s on a
    # quiet machine), one more per spacing a slow machine stretches the storm by.
    most = 2 + int(storm // RESYNC_SPACING_SECONDS)
    assert all(1 <= count <= most for count in enqueued.values()), (enqueued, storm)
    assert queued < asked / 3
    assert reports[0]["enqueued"] == [r.pk for r in receivers]
    assert sum(report["coalesced"] for report in reports) == asked - queued
    # A later resync of a receiver waited its turn: it is reported deferred.
    deferred = {pk for report in reports for pk in report["deferred"]}
    assert deferred == {pk for pk, count in enqueued.items() if count >= 2}
    # A receiver's polls came its spacing apart (less the sampling error): never two at once.
    for index, count in enumerate(expected):
        for number in range(2, count + 1):
            gap = seen[index, number] - seen[index, number - 1]
            assert gap >= RESYNC_SPACING_SECONDS - 0.3, f"polls {gap:.2f} s apart"
    for receiver in Receiver.objects.filter(pk__in=enqueued):
        assert (receiver.last_sync_at is not None, receiver.consecutive_failures) == (True, 0)
    assert _polls(fleet) == expected  # nothing ran after the count was reached
