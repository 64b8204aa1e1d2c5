"""The alerts admin: lists of rules, contacts and alerts, acknowledge and resolve actions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from micboard.composition import device_service
from micboard.models import Alert, AlertState, Notification, Venue
from micboard.services.dto import PolledSnapshot
from tests.factories import make_receiver, make_venue, snapshot
from tests.services.alerts.conftest import add_contact

pytestmark = pytest.mark.django_db


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
