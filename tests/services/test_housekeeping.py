from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from micboard.composition import device_service
from micboard.integrations.base import ChannelSnapshot, ReceiverSnapshot
from micboard.models import DispatchCycle, TelemetrySample
from micboard.services.housekeeping import history_prune
from micboard.workers import tasks
from tests.factories import make_receiver, make_venue

pytestmark = pytest.mark.django_db


def test_old_history_is_pruned_and_recent_history_kept() -> None:
    venue = make_venue()
    receiver = make_receiver(venue, model="ULXD4")
    device_service().snapshot_apply(
        receiver=receiver, snapshot=ReceiverSnapshot(channels=(ChannelSnapshot(1, "HH01"),))
    )
    now = timezone.now()
    DispatchCycle.objects.create(venue=venue, started_at=now - timedelta(hours=30))
    DispatchCycle.objects.create(venue=venue, started_at=now - timedelta(minutes=5))
    TelemetrySample.objects.update(recorded_at=now - timedelta(days=40))
    report = history_prune(
        now=now, dispatch_retention=timedelta(hours=24), telemetry_retention=timedelta(days=30)
    )
    assert (report.dispatch_cycles, report.telemetry_samples) == (1, 1)
    assert DispatchCycle.objects.count() == 1


def test_prune_task_uses_the_configured_retention() -> None:
    venue = make_venue()
    DispatchCycle.objects.create(venue=venue, started_at=timezone.now() - timedelta(days=2))
    assert tasks.history_prune.run() == 1
