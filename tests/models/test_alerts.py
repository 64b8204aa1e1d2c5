"""Alert rules per venue, one active alert per rule and subject, venue time zones."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from micboard.models import Alert, AlertRule, AlertState, RuleKind
from micboard.services.alerts.rules import rules_create_defaults
from tests.factories import make_receiver, make_venue

pytestmark = pytest.mark.django_db


def test_every_new_venue_gets_the_default_rules() -> None:
    venue = make_venue()
    rules = {r.kind: r for r in AlertRule.objects.filter(venue=venue)}
    assert set(rules) == set(RuleKind)
    assert rules[RuleKind.BATTERY].runtime_minutes == 30
    assert rules[RuleKind.TRANSMITTER_LOST].watched_hours_only
    assert len(rules_create_defaults(venue=venue)) == 4  # idempotent


def test_one_active_alert_per_rule_and_subject() -> None:
    venue = make_venue()
    receiver = make_receiver(venue)
    rule = AlertRule.objects.get(venue=venue, kind=RuleKind.RECEIVER_OFFLINE)
    fields = {
        "venue": venue,
        "rule": rule,
        "receiver": receiver,
        "subject": f"r{receiver.pk}",
        "summary": "offline",
        "condition_since": timezone.now(),
    }
    Alert.objects.create(state=AlertState.RESOLVED, **fields)
    Alert.objects.create(state=AlertState.OPEN, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(state=AlertState.PENDING, **fields)


def test_a_venue_time_zone_must_be_known() -> None:
    venue = make_venue()
    venue.time_zone = "Europe/Atlantis"
    with pytest.raises(ValidationError, match="unknown time zone"):
        venue.full_clean()
    venue.time_zone = "America/Chicago"
    venue.full_clean()
