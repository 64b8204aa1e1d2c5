from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from micboard.composition import alert_service, device_service
from micboard.integrations.base import ChannelSnapshot, ReceiverSnapshot
from micboard.models import Alert, DispatchCycle, Notification, TelemetrySample, Venue
from micboard.services.housekeeping import history_prune
from micboard.workers import tasks
from tests.factories import make_receiver, make_venue
from tests.services.alerts.conftest import add_contact

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


def test_resolved_alerts_are_pruned_after_their_retention_with_their_notifications() -> None:
    venue = make_venue()
    add_contact(venue)
    receiver = make_receiver(venue, model="ULXD4D")
    device_service().snapshot_apply(
        receiver=receiver,
        snapshot=ReceiverSnapshot(channels=(ChannelSnapshot(1, "HH01", battery_bars=1),)),
    )
    alert = Alert.objects.get()
    alert_service().alert_resolve(alert_id=alert.pk, by="sam")
    now = timezone.now()
    kept = history_prune(
        now=now,
        dispatch_retention=timedelta(hours=24),
        telemetry_retention=timedelta(days=30),
        alert_retention=timedelta(days=90),
    )
    assert kept.alerts == 0
    Alert.objects.update(resolved_at=now - timedelta(days=91))
    report = history_prune(
        now=now,
        dispatch_retention=timedelta(hours=24),
        telemetry_retention=timedelta(days=30),
        alert_retention=timedelta(days=90),
    )
    assert (report.alerts, Alert.objects.count(), Notification.objects.count()) == (1, 0, 0)


def test_a_venue_keeps_its_alerts_for_its_own_retention() -> None:
    short, default = make_venue(), make_venue()
    Venue.objects.filter(pk=short.pk).update(alert_retention_days=7)
    for venue in (short, default):
        add_contact(venue)
        device_service().snapshot_apply(
            receiver=make_receiver(venue, model="ULXD4D"),
            snapshot=ReceiverSnapshot(channels=(ChannelSnapshot(1, "HH01", battery_bars=1),)),
        )
        alert_service().alert_resolve(alert_id=Alert.objects.get(venue=venue).pk, by="sam")
    now = timezone.now()
    Alert.objects.update(resolved_at=now - timedelta(days=8))
    report = history_prune(
        now=now,
        dispatch_retention=timedelta(hours=24),
        telemetry_retention=timedelta(days=30),
        alert_retention=timedelta(days=90),
    )
    assert report.alerts == 1
    assert list(Alert.objects.values_list("venue", flat=True)) == [default.pk]
    assert set(Notification.objects.values_list("venue", flat=True)) == {default.pk}
