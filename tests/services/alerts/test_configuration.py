"""The alert configuration's services: the checks no API shape catches first."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from django.db import transaction

from micboard.composition import secret_box
from micboard.exceptions import ValidationError
from micboard.models import ContactList, Notification, NotificationState, WatchedHours
from micboard.services.alerts.configuration import (
    ContactInput,
    contact_save,
    watched_hours_save,
)
from micboard.services.alerts.quiet import HeldNotifications, _RacedError
from tests.factories import make_venue
from tests.services.alerts.conftest import add_contact

pytestmark = pytest.mark.django_db


def test_a_weekday_outside_the_week_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        watched_hours_save(
            hours=WatchedHours(venue=make_venue(), weekday=7, starts=time(9), ends=time(10))
        )
    assert set(refused.value.details) == {"weekday"}


def test_a_contact_changed_to_email_must_lose_its_secret() -> None:
    steps = ContactList.objects.create(venue=make_venue(), name="Step 0")
    hook = ContactInput(name="Chat", channel="webhook", target="https://c.example.org/", secret="s")
    contact = contact_save(contact_list=steps, data=hook, box=secret_box(), contact=None)
    email = ContactInput(name="Chat", channel="email", target="chat@example.org")
    with pytest.raises(ValidationError) as refused:
        contact_save(contact_list=steps, data=email, box=secret_box(), contact=contact)
    assert set(refused.value.details) == {"secret"}
    cleared = ContactInput(name="Chat", channel="email", target="chat@example.org", secret="")
    saved = contact_save(contact_list=steps, data=cleared, box=secret_box(), contact=contact)
    assert (saved.channel, saved.has_secret) == ("email", False)
    bell = ContactInput(
        name="Chat", channel="webhook", target="https://c.example.org/", secret="a\x07"
    )
    with pytest.raises(ValidationError) as refused:
        contact_save(contact_list=steps, data=bell, box=secret_box(), contact=contact)
    assert set(refused.value.details) == {"secret"}


def test_rows_another_check_released_first_roll_the_release_back() -> None:
    venue = make_venue()
    contact = add_contact(venue, quiet_from=time(1), quiet_until=time(2))
    moment = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    held = Notification.objects.create(
        venue=venue, contact=contact, event="test", state=NotificationState.HELD,
        next_attempt_at=moment, created_at=moment,
    )  # fmt: skip
    rows = list(Notification.objects.select_related("contact", "venue").filter(pk=held.pk))
    Notification.objects.filter(pk=held.pk).update(state=NotificationState.SUMMARISED)
    with pytest.raises(_RacedError), transaction.atomic():  # as held_release runs it
        HeldNotifications._release(rows, moment)
    assert list(Notification.objects.values_list("pk", "summary")) == [(held.pk, None)]
