from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from micboard.models import DispatchCycle
from micboard.selectors.dispatch_stats import venue_dispatch_summary, venue_recent_cycles
from tests.factories import make_venue

pytestmark = pytest.mark.django_db


def test_summary_totals_the_window_only() -> None:
    venue = make_venue()
    now = timezone.now()
    for seconds, due, late in [(10, 4, 1), (20, 6, 0), (7200, 100, 50)]:
        DispatchCycle.objects.create(
            venue=venue, started_at=now - timedelta(seconds=seconds), due=due, enqueued=due,
            late=late, duration_ms=seconds,
        )  # fmt: skip
    summary = venue_dispatch_summary(venue_id=venue.pk, now=now, window=timedelta(hours=1))
    assert (summary.cycles, summary.due, summary.late, summary.max_duration_ms) == (2, 10, 1, 20)
    assert summary.last_cycle_at == now - timedelta(seconds=10)
    assert [c.due for c in venue_recent_cycles(venue_id=venue.pk, limit=2)] == [4, 6]


def test_empty_summary() -> None:
    venue = make_venue()
    summary = venue_dispatch_summary(venue_id=venue.pk, now=timezone.now(), window=timedelta(1))
    assert (summary.cycles, summary.last_cycle_at) == (0, None)
