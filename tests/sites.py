"""One venue with one of each thing the API and the admin serve, for the authorization
matrices (``tests/api/test_authorization_matrix.py``, ``tests/test_admin_access.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

from micboard.composition import device_service
from micboard.models import (
    Alert,
    AlertRule,
    Assignment,
    AuditEntry,
    Channel,
    ChannelGroup,
    Contact,
    ContactList,
    Event,
    Notification,
    Performer,
    Receiver,
    RuleKind,
    Venue,
    WatchedEvent,
    WatchedHours,
)
from micboard.services.dto import PolledSnapshot
from micboard.services.groups import GroupInput, group_create
from tests.factories import (
    make_assignment,
    make_event,
    make_performer,
    make_receiver,
    make_venue,
    snapshot,
)

NOW = datetime(2026, 12, 24, 20, 0, tzinfo=UTC)
LATER = datetime(2026, 12, 24, 23, 0, tzinfo=UTC)


@dataclass
class Site:
    """One venue with one of each thing the API serves."""

    venue: Venue
    receiver: Receiver
    channel: Channel
    group: ChannelGroup
    alert: Alert
    rule: AlertRule
    entry: AuditEntry
    performer: Performer
    event: Event
    assignment: Assignment
    hours: WatchedHours
    watched: WatchedEvent
    contact_list: ContactList
    contact: Contact
    notification: Notification


def site() -> Site:
    venue = make_venue()
    receiver = make_receiver(venue, model="ULXD4D")
    device_service().polls_apply(
        answered=[PolledSnapshot(receiver, snapshot(2, bars=1))], unreachable=[]
    )
    channel = Channel.objects.filter(receiver=receiver).order_by("number").first()
    assert channel is not None
    group = group_create(venue=venue, data=GroupInput(1, "Band", (channel.pk,)))
    AlertRule.objects.filter(venue=venue, kind=RuleKind.LEFT_ON).delete()  # free to create
    alert = Alert.objects.filter(venue=venue).first()
    assert alert is not None
    rule = AlertRule.objects.get(venue=venue, kind=RuleKind.BATTERY)
    entry = AuditEntry.objects.filter(venue_id=venue.pk).first()
    assert entry is not None
    performer = make_performer(venue)
    steps = ContactList.objects.create(venue=venue, name="Crew", escalation_order=0)
    contact = Contact.objects.create(
        contact_list=steps, name="Crew lead", channel="email", target="lead@example.org"
    )
    return Site(
        venue,
        receiver,
        channel,
        group,
        alert,
        rule,
        entry,
        performer,
        make_event(venue, starts_at=NOW, ends_at=LATER),
        make_assignment(performer, receiver, 1),
        WatchedHours.objects.create(venue=venue, weekday=0, starts=time(8), ends=time(12)),
        WatchedEvent.objects.create(venue=venue, name="Gala", starts_at=NOW, ends_at=LATER),
        steps,
        contact,
        Notification.objects.create(
            venue=venue, contact=contact, event="test", next_attempt_at=NOW, created_at=NOW
        ),
    )
