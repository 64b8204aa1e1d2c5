"""The alerts admin: lists of rules, contacts and alerts, acknowledge and resolve actions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings

from micboard.composition import device_service, secret_box
from micboard.models import Alert, AlertState, Contact, ContactList, Notification, Venue
from micboard.services.dto import PolledSnapshot
from tests.factories import make_receiver, make_venue, snapshot
from tests.services.alerts.conftest import add_contact

pytestmark = pytest.mark.django_db

SECRET = "admin-typed-signing-key-93kd"


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("operator", "op@example.org", "pw"))
    return client


def open_alerts() -> list[Alert]:
    venue = make_venue()
    add_contact(venue)
    receiver = make_receiver(venue, model="ULXD4D")
    device_service().polls_apply(
        answered=[PolledSnapshot(receiver, snapshot(2, bars=1))], unreachable=[]
    )
    return list(Alert.objects.filter(venue=venue))


@pytest.mark.parametrize(
    "page",
    ["alert", "alertrule", "contactlist", "notification", "watchedhours", "watchedevent"],
)
def test_every_alerts_page_lists(admin_client: Client, page: str) -> None:
    open_alerts()
    assert admin_client.get(f"/admin/micboard/{page}/").status_code == 200


def test_the_actions_acknowledge_and_resolve(admin_client: Client) -> None:
    first, second = open_alerts()
    response = admin_client.post(
        "/admin/micboard/alert/", {"action": "acknowledge", "_selected_action": [first.pk]}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.state, first.acknowledged_by) == (AlertState.ACKNOWLEDGED, "operator")
    admin_client.post(
        "/admin/micboard/alert/",
        {"action": "resolve", "_selected_action": [first.pk, second.pk]},
    )
    assert set(Alert.objects.values_list("state", flat=True)) == {AlertState.RESOLVED}
    again = admin_client.post(
        "/admin/micboard/alert/",
        {"action": "resolve", "_selected_action": [first.pk]},
        follow=True,
    )
    assert "is resolved" in again.content.decode()
    assert Notification.objects.filter(event="resolved").count() == 2


def test_a_rule_is_changed_in_the_admin(admin_client: Client) -> None:
    alert = open_alerts()[0]
    rule = alert.rule
    response = admin_client.post(
        f"/admin/micboard/alertrule/{rule.pk}/change/",
        {
            "venue": rule.venue_id,
            "kind": rule.kind,
            "enabled": "on",
            "runtime_minutes": 45,
            "delay_seconds": 0,
            "hold_seconds": 60,
            "escalate_after_minutes": 10,
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.runtime_minutes == 45


def test_a_venue_gets_its_time_zone_in_the_admin(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/micboard/venue/add/",
        {"name": "Chapel", "slug": "chapel", "time_zone": "Europe/Berlin"},
    )
    assert response.status_code == 302
    assert Venue.objects.get(slug="chapel").time_zone == "Europe/Berlin"
    refused = admin_client.post(
        "/admin/micboard/venue/add/", {"name": "Moon", "slug": "moon", "time_zone": "Moon/Base"}
    )
    assert "unknown time zone" in refused.content.decode()


def contact_form(contact_list: ContactList, **contact: str) -> dict[str, str]:
    """The contact list's change form with one contact row, as a browser posts it."""
    existing = Contact.objects.filter(contact_list=contact_list).first()
    form = {
        "venue": str(contact_list.venue_id),
        "name": contact_list.name,
        "escalation_order": str(contact_list.escalation_order),
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "1" if existing else "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
        "contacts-0-contact_list": str(contact_list.pk),
        "contacts-0-enabled": "on",
    }
    if existing:
        form["contacts-0-id"] = str(existing.pk)
    form.update({f"contacts-0-{key}": value for key, value in contact.items()})
    return form


def test_a_contact_secret_is_typed_in_stored_encrypted_and_never_shown(
    admin_client: Client,
) -> None:
    venue = make_venue()
    steps = ContactList.objects.create(venue=venue, name="Step 0")
    page = f"/admin/micboard/contactlist/{steps.pk}/change/"
    hook = {"name": "Chat", "channel": "webhook", "target": "https://chat.example.org/h"}
    saved = admin_client.post(page, contact_form(steps, **hook, new_secret=SECRET))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    stored = Contact.objects.get()
    assert SECRET not in stored.secret_encrypted
    assert secret_box().decrypt(stored.secret_encrypted) == SECRET
    shown = admin_client.get(page).content.decode()
    assert SECRET not in shown
    assert stored.secret_encrypted not in shown
    admin_client.post(page, contact_form(steps, **{**hook, "name": "Chat room"}))  # secret kept
    assert Contact.objects.get().name == "Chat room"
    assert secret_box().decrypt(Contact.objects.get().secret_encrypted) == SECRET
    mail = {"channel": "email", "target": "sam@example.org", "name": "Sam"}
    refused = admin_client.post(page, contact_form(steps, **mail))
    assert refused.status_code == 200
    assert "only a webhook has a secret" in refused.content.decode()
    admin_client.post(page, contact_form(steps, **mail, remove_secret="on"))
    assert Contact.objects.get().secret_encrypted == ""


def test_a_secret_without_an_encryption_key_is_refused_on_the_form(
    admin_client: Client, settings: Settings
) -> None:
    steps = ContactList.objects.create(venue=make_venue(), name="Step 0")
    settings.MICBOARD_ENCRYPTION_KEYS = []
    hook = {"name": "Chat", "channel": "webhook", "target": "https://chat.example.org/h"}
    page = f"/admin/micboard/contactlist/{steps.pk}/change/"
    refused = admin_client.post(page, contact_form(steps, **hook, new_secret=SECRET))
    assert refused.status_code == 200
    assert "MICBOARD_ENCRYPTION_KEYS is not set" in refused.content.decode()
    assert not Contact.objects.exists()
