"""Reads of alerts and alert rules for the API, the admin and the display wall."""

from __future__ import annotations

from django.db.models import QuerySet

from micboard.models import (
    RAISED_STATES,
    Alert,
    AlertRule,
    Contact,
    ContactList,
    Notification,
    WatchedEvent,
    WatchedHours,
)


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


def watched_hours_list(*, venue_slug: str = "") -> QuerySet[WatchedHours]:
    hours = WatchedHours.objects.select_related("venue").order_by(
        "venue__name", "weekday", "starts", "pk"
    )
    return hours.filter(venue__slug=venue_slug) if venue_slug else hours


def watched_event_list(*, venue_slug: str = "") -> QuerySet[WatchedEvent]:
    events = WatchedEvent.objects.select_related("venue").order_by("starts_at", "pk")
    return events.filter(venue__slug=venue_slug) if venue_slug else events


def contact_list_list(*, venue_slug: str = "") -> QuerySet[ContactList]:
    lists = ContactList.objects.select_related("venue").order_by(
        "venue__name", "escalation_order", "name", "pk"
    )
    return lists.filter(venue__slug=venue_slug) if venue_slug else lists


def contact_list(*, venue_slug: str = "", contact_list_id: int | None = None) -> QuerySet[Contact]:
    contacts = Contact.objects.select_related("contact_list__venue").order_by(
        "contact_list__venue__name", "contact_list__escalation_order", "name", "pk"
    )
    if venue_slug:
        contacts = contacts.filter(contact_list__venue__slug=venue_slug)
    if contact_list_id is not None:
        contacts = contacts.filter(contact_list_id=contact_list_id)
    return contacts


def notification_list(
    *, venue_slug: str = "", state: str = "", alert_id: int | None = None
) -> QuerySet[Notification]:
    """The outbox, newest first."""
    rows = Notification.objects.select_related("venue").order_by("-created_at", "-pk")
    if venue_slug:
        rows = rows.filter(venue__slug=venue_slug)
    if state:
        rows = rows.filter(state=state)
    if alert_id is not None:
        rows = rows.filter(alert_id=alert_id)
    return rows
