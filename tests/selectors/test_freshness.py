"""Staleness from the data's age at read time: receivers, and venues whose worker is silent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from micboard.models import Receiver, Venue
from micboard.selectors.freshness import (
    data_age_seconds,
    receiver_is_stale,
    receiver_stale_at,
    stale_after,
    venue_liveness,
    venue_liveness_of,
)
from tests.factories import make_receiver, make_venue

pytestmark = pytest.mark.django_db


def _synced(receiver: Receiver, seconds_ago: float) -> Receiver:
    at = timezone.now() - timedelta(seconds=seconds_ago)
    Receiver.objects.filter(pk=receiver.pk).update(last_sync_at=at)
    receiver.refresh_from_db()
    return receiver


def test_stale_after_three_poll_intervals_by_default() -> None:
    receiver = make_receiver(make_venue(), poll_interval=5)
    now = timezone.now()
    assert stale_after(poll_interval=5) == timedelta(seconds=15)
    assert not receiver_is_stale(_synced(receiver, 14), now=now, polls=3)
    assert receiver_is_stale(_synced(receiver, 16), now=now, polls=3)
    assert data_age_seconds(receiver, now=now) == pytest.approx(16, abs=1)


def test_a_receiver_never_synced_counts_from_when_it_was_added() -> None:
    receiver = make_receiver(make_venue(), poll_interval=5)
    assert data_age_seconds(receiver, now=timezone.now()) is None
    assert not receiver_is_stale(receiver, now=timezone.now(), polls=3)
    later = receiver.created_at + timedelta(seconds=15)
    assert receiver_is_stale(receiver, now=later, polls=3)


def test_a_disabled_receiver_is_never_stale() -> None:
    receiver = _synced(make_receiver(make_venue()), 3600)
    receiver.enabled = False
    assert not receiver_is_stale(receiver, now=timezone.now(), polls=3)


def test_the_venue_setting_sets_the_threshold() -> None:
    venue = make_venue()
    Venue.objects.filter(pk=venue.pk).update(stale_after_polls=10)
    venue.refresh_from_db()
    _synced(make_receiver(venue, poll_interval=5), 40)
    assert venue_liveness_of(now=timezone.now(), venue=venue).fresh == 1


def test_a_venue_whose_receivers_are_all_stale_is_not_reporting() -> None:
    quiet, busy = make_venue(), make_venue()
    newest = _synced(make_receiver(quiet), 100)
    _synced(make_receiver(quiet), 200)
    _synced(make_receiver(busy), 1)
    _synced(make_receiver(busy), 100)
    by_slug = {v.slug: v for v in venue_liveness(now=timezone.now())}

    silent = by_slug[quiet.slug]
    assert (silent.enabled, silent.fresh, silent.stale, silent.reporting) == (2, 0, 2, False)
    assert silent.last_sync_at == newest.last_sync_at
    since = timezone.localtime(newest.last_sync_at)
    assert silent.not_reporting_message() == (f"venue worker not reporting since {since:%H:%M:%S}")
    working = by_slug[busy.slug]
    assert (working.fresh_share, working.reporting) == (0.5, True)
    assert working.not_reporting_message() == ""


def test_a_venue_without_receivers_reports_and_is_all_fresh() -> None:
    liveness = venue_liveness_of(now=timezone.now(), venue=make_venue())
    assert (liveness.enabled, liveness.fresh_share, liveness.reporting) == (0, 1.0, True)


def test_the_sql_filter_agrees_with_the_rule_at_every_age() -> None:
    """Synced or only added, quick or slow polls, the venue's own multiple, disabled."""
    venue, patient = make_venue(), make_venue()
    patient.stale_after_polls = 6
    patient.save()
    now = timezone.now()
    made = []
    for place in (venue, patient):
        for interval in (1, 5, 60):
            for age in (0.5, interval * 3 - 0.5, interval * 3 + 0.5, interval * 6 + 0.5, 10_000):
                receiver = _synced(make_receiver(place, poll_interval=interval), age)
                made.append(receiver)
                added = make_receiver(place, poll_interval=interval)
                Receiver.objects.filter(pk=added.pk).update(created_at=now - timedelta(seconds=age))
                made.append(added)
    off = _synced(make_receiver(venue), 10_000)
    Receiver.objects.filter(pk=off.pk).update(enabled=False)
    made.append(off)
    rows = Receiver.objects.select_related("venue").filter(pk__in=[r.pk for r in made])
    expected = {
        r.pk for r in rows if receiver_is_stale(r, now=now, polls=r.venue.stale_after_polls)
    }
    assert 0 < len(expected) < len(made)
    assert set(rows.filter(receiver_stale_at(now=now)).values_list("pk", flat=True)) == expected
