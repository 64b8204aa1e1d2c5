"""Alerts and alert rules over the API: filters, acknowledge, resolve, rules CRUD."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from micboard.composition import alert_service, device_service
from micboard.models import Alert, AlertRule, AlertState, RuleKind
from micboard.services.dto import PolledSnapshot
from tests.factories import make_receiver, make_venue, snapshot

pytestmark = pytest.mark.django_db


def critical_alert() -> Alert:
    venue = make_venue()
    receiver = make_receiver(venue, model="ULXD4D")

    device_service().polls_apply(
        answered=[PolledSnapshot(receiver, snapshot(2, bars=1))], unreachable=[]
    )
    return Alert.objects.filter(venue=venue).first()  # type: ignore[return-value]


def test_alerts_are_listed_and_filtered(reader: APIClient) -> None:
    alert = critical_alert()
    listed = reader.get(f"/api/v1/alerts/?venue={alert.venue.slug}&state=open&rule=battery")
    assert listed.status_code == 200
    results = listed.json()["results"]
    assert len(results) == 2
    assert {r["rule"] for r in results} == {"battery"}
    assert reader.get("/api/v1/alerts/?state=resolved").json()["results"] == []
    bad = reader.get("/api/v1/alerts/?state=sleeping")
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "validation_error")


def test_an_operator_acknowledges_then_resolves(operator: APIClient, reader: APIClient) -> None:
    alert = critical_alert()
    denied = reader.post(f"/api/v1/alerts/{alert.pk}/acknowledge/", {})
    assert denied.status_code == 403
    acked = operator.post(f"/api/v1/alerts/{alert.pk}/acknowledge/", {"note": "on my way"})
    body = acked.json()
    assert (body["state"], body["acknowledged_by"], body["acknowledgement_note"]) == (
        "acknowledged",
        "operator",
        "on my way",
    )
    bad_note = operator.post(f"/api/v1/alerts/{alert.pk}/acknowledge/", {"note": 5})
    assert bad_note.status_code == 400
    resolved = operator.post(f"/api/v1/alerts/{alert.pk}/resolve/").json()
    assert (resolved["state"], resolved["resolved_by"]) == ("resolved", "operator")
    again = operator.post(f"/api/v1/alerts/{alert.pk}/resolve/")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "conflict")
    assert operator.post("/api/v1/alerts/999999/resolve/").status_code == 404


def test_rules_are_listed_changed_created_and_deleted(operator: APIClient) -> None:
    venue = make_venue()
    listed = operator.get(f"/api/v1/alert-rules/?venue={venue.slug}").json()["results"]
    assert {r["kind"] for r in listed} == set(RuleKind)
    battery = next(r for r in listed if r["kind"] == "battery")
    changed = operator.patch(f"/api/v1/alert-rules/{battery['id']}/", {"runtime_minutes": 45})
    assert changed.json()["runtime_minutes"] == 45
    assert (
        operator.patch(f"/api/v1/alert-rules/{battery['id']}/", {"delay_seconds": "5"}).status_code
        == 400
    )
    taken = operator.post("/api/v1/alert-rules/", {"venue": venue.slug, "kind": "battery"})
    assert (taken.status_code, taken.json()["error"]["code"]) == (409, "conflict")
    assert operator.delete(f"/api/v1/alert-rules/{battery['id']}/").status_code == 204
    created = operator.post(
        "/api/v1/alert-rules/", {"venue": venue.slug, "kind": "battery", "delay_seconds": 30}
    )
    assert created.status_code == 201
    assert AlertRule.objects.get(venue=venue, kind="battery").delay_seconds == 30


def test_the_service_state_matches_what_the_api_shows(reader: APIClient) -> None:
    alert = critical_alert()
    alert_service().alert_acknowledge(alert_id=alert.pk, by="kim")
    shown = reader.get(f"/api/v1/alerts/{alert.pk}/").json()
    assert shown["state"] == AlertState.ACKNOWLEDGED
