"""Reads of alerts and alert rules for the API, the admin and the display wall."""

from __future__ import annotations

from django.db.models import QuerySet

from micboard.models import RAISED_STATES, Alert, AlertRule


def alert_list(*, venue_slug: str = "", state: str = "", rule: str = "") -> QuerySet[Alert]:
    """Newest first; every filter optional (``rule`` is a rule's kind)."""
    alerts = Alert.objects.select_related("venue", "rule").order_by("-condition_since", "-pk")
    if venue_slug:
        alerts = alerts.filter(venue__slug=venue_slug)
    if state:
        alerts = alerts.filter(state=state)
    if rule:
        alerts = alerts.filter(rule__kind=rule)
    return alerts


def alert_rule_list(*, venue_slug: str = "") -> QuerySet[AlertRule]:
    rules = AlertRule.objects.select_related("venue").order_by("venue__name", "kind", "pk")
    return rules.filter(venue__slug=venue_slug) if venue_slug else rules


def raised_alerts_by_subject(*, venue_ids: list[int]) -> dict[str, list[Alert]]:
    """Open and acknowledged alerts of the venues, keyed ``c<channel id>`` or ``r<receiver
    id>`` as the wall's tiles find them (one query)."""
    found: dict[str, list[Alert]] = {}
    for alert in (
        Alert.objects.select_related("rule")
        .filter(venue_id__in=venue_ids, state__in=RAISED_STATES)
        .order_by("opened_at", "pk")
    ):
        found.setdefault(alert.subject, []).append(alert)
    return found
