"""A venue's alert rules: the defaults every new venue gets."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from micboard.exceptions import ConflictError
from micboard.infrastructure.alert_settings_version import alert_settings_changed
from micboard.models import AlertRule, RuleKind, Venue

DEFAULT_RULES: dict[str, dict[str, object]] = {
    RuleKind.BATTERY: {
        "runtime_minutes": 30,
        "delay_seconds": 0,
        "hold_seconds": 60,
        "escalate_after_minutes": 10,
    },
    RuleKind.RECEIVER_OFFLINE: {
        "delay_seconds": 60,
        "hold_seconds": 30,
        "escalate_after_minutes": 10,
    },
    RuleKind.TRANSMITTER_LOST: {
        "delay_seconds": 10,
        "hold_seconds": 30,
        "watched_hours_only": True,
        "escalate_after_minutes": 5,
    },
    RuleKind.LEFT_ON: {"delay_seconds": 900, "hold_seconds": 60},
}


def rules_create_defaults(*, venue: Venue) -> list[AlertRule]:
    """Give ``venue`` every rule it lacks, with the default thresholds; returns them all."""
    existing = set(AlertRule.objects.filter(venue=venue).values_list("kind", flat=True))
    missing = [
        AlertRule(venue=venue, kind=kind, **values)
        for kind, values in DEFAULT_RULES.items()
        if kind not in existing
    ]
    if missing:  # no signal from a bulk insert: the workers' copies move here
        AlertRule.objects.bulk_create(missing)
        alert_settings_changed(venue_id=venue.pk)
    return list(AlertRule.objects.filter(venue=venue))


def rule_save(*, rule: AlertRule) -> AlertRule:
    """Create or change a rule; a venue has one rule of each kind (``ConflictError``)."""
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError:
        raise ConflictError(
            f"the venue already has a {rule.kind} rule", details={"kind": rule.kind}
        ) from None
    return rule
