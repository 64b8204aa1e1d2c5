"""The audit trail: written by the services with old and new values, shown by venue, kept
for its retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from micboard.composition import device_service, location_service
from micboard.exceptions import ValidationError
from micboard.models import AuditAction, AuditEntry
from micboard.services.audit import Actor, audit_prune, audit_record
from micboard.services.dto import ReceiverInput
from micboard.services.housekeeping import history_prune
from tests.api.conftest import token_client
from tests.factories import make_receiver, make_venue
from tests.roles import user_with_role

pytestmark = pytest.mark.django_db

SAM = Actor("sam", None, "192.0.2.10")


def test_a_receiver_change_records_old_and_new_values_and_who_from_where() -> None:
    venue = make_venue()
    receiver = make_receiver(venue, poll_interval=5)
    device_service().receiver_update(
        receiver=receiver,
        data=ReceiverInput(
            name=receiver.name,
            model="ULXD4Q",
            host="127.0.0.1",
            port=receiver.port,
            poll_interval=2,
        ),
        actor=SAM,
    )
    entry = AuditEntry.objects.get(action=AuditAction.RECEIVER_CHANGED)
    assert (entry.actor, entry.address, entry.venue_slug) == ("sam", "192.0.2.10", venue.slug)
    assert entry.changes == {"poll_interval": {"old": 5, "new": 2}}


def test_an_update_that_changes_nothing_is_not_recorded() -> None:
    receiver = make_receiver(make_venue())
    values = {f: getattr(receiver, f) for f in ("name", "model", "host", "port", "poll_interval")}
    device_service().receiver_update(receiver=receiver, data=ReceiverInput(**values), actor=SAM)
    assert not AuditEntry.objects.filter(action=AuditAction.RECEIVER_CHANGED).exists()


def test_venue_settings_and_removal_outlive_the_venue_on_record() -> None:
    venue = make_venue()
    location_service().venue_update(venue=venue, values={"stale_after_polls": 5}, actor=SAM)
    slug = venue.slug
    location_service().venue_delete(venue=venue, actor=SAM)
    trail = AuditEntry.objects.filter(venue_slug=slug).order_by("pk")
    assert [e.action for e in trail] == [
        AuditAction.VENUE_CREATED,
        AuditAction.VENUE_CHANGED,
        AuditAction.VENUE_REMOVED,
    ]
    assert trail[1].changes == {"stale_after_polls": {"old": 3, "new": 5}}


def test_a_venues_slug_cannot_be_changed_by_the_service() -> None:
    venue = make_venue()
    with pytest.raises(ValidationError, match="fixed"):
        location_service().venue_update(venue=venue, values={"slug": "other"}, actor=SAM)


def test_an_address_that_is_not_one_is_left_empty() -> None:
    entry = audit_record(actor=Actor("x", None, "not an address"), action=AuditAction.RESYNC)
    assert entry.address is None


def test_the_api_shows_a_venue_admin_their_venues_trail_only() -> None:
    mine, theirs = make_venue(), make_venue()
    receiver = make_receiver(mine)
    admin = token_client(user_with_role(mine, "venue_admin"))
    operator = token_client(user_with_role(mine, "operator"))
    assert operator.post(f"/api/v1/receivers/{receiver.pk}/resync/").status_code == 202
    listed = admin.get("/api/v1/audit/", {"action": "resync"}).json()["results"]
    assert [(e["action"], e["venue"], e["address"]) for e in listed] == [
        ("resync", mine.slug, "127.0.0.1")
    ]
    assert {e["venue"] for e in admin.get("/api/v1/audit/").json()["results"]} == {mine.slug}
    assert operator.get("/api/v1/audit/").json()["count"] == 0
    hidden = AuditEntry.objects.filter(venue_id=theirs.pk).first()
    assert hidden is not None
    assert admin.get(f"/api/v1/audit/{hidden.pk}/").status_code == 404
    assert admin.get("/api/v1/audit/", {"action": "nonsense"}).status_code == 400
    assert APIClient().get("/api/v1/audit/").status_code == 401


def test_entries_past_their_retention_are_pruned_with_the_history() -> None:
    now = timezone.now()
    old = audit_record(actor=SAM, action=AuditAction.RESYNC)
    AuditEntry.objects.filter(pk=old.pk).update(at=now - timedelta(days=400))
    kept = audit_record(actor=SAM, action=AuditAction.RESYNC)
    report = history_prune(
        now=now,
        dispatch_retention=timedelta(days=1),
        telemetry_retention=timedelta(days=1),
        audit_retention=timedelta(days=365),
    )
    assert report.audit_entries == 1
    assert list(AuditEntry.objects.filter(action=AuditAction.RESYNC)) == [kept]
    assert audit_prune(now=now, retention=timedelta(days=365)) == 0
