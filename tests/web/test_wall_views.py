"""The wall's pages and state endpoint through Django's test client."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.test import Client
from django.test.utils import override_settings

from micboard.composition import device_service
from micboard.models import Venue
from micboard.services.kiosk import kiosk_link_create, kiosk_links_revoke
from micboard.web.access import issue_pass, scope_of
from tests.factories import make_polled_receiver, make_venue, snapshot
from tests.queries import query_budget
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def user_client(client: Client) -> Client:
    """A superuser: the wall of every venue is theirs."""
    client.force_login(User.objects.create_superuser("engineer", "e@example.org", "pw"))
    return client


def polled_venue() -> Venue:
    venue = make_venue()
    make_polled_receiver(venue, model="ULXD4D", channels=2)
    return venue


# --- pages ------------------------------------------------------------------------------


def test_a_visitor_is_sent_to_log_in(client: Client) -> None:
    venue = make_venue()
    for url in ("/wall/", f"/wall/{venue.slug}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


def test_a_user_sees_a_venue_wall_and_the_all_venues_wall(user_client: Client) -> None:
    venue = make_venue()
    page = user_client.get(f"/wall/{venue.slug}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-state-url="/wall/{venue.slug}/state.json"' in html
    assert "/static/micboard/wall.js" in html
    assert "/static/micboard/wall.css" in html
    assert 'data-all-venues="false"' in html
    assert 'data-state-url="/wall/state.json"' in user_client.get("/wall/").content.decode()
    assert user_client.get("/wall/no-such-venue/").status_code == 404


def test_a_kiosk_link_opens_its_wall_until_revoked(client: Client) -> None:
    venue, other = make_venue(), make_venue()
    issued = kiosk_link_create(venue=venue, label="FOH TV", created_by="op")
    page = client.get(f"/kiosk/{issued.token}/")
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer"
    assert f'data-kiosk="{issued.token}"' in page.content.decode()
    assert client.get(f"/wall/{venue.slug}/?kiosk={issued.token}").status_code == 200
    assert client.get(f"/wall/{other.slug}/?kiosk={issued.token}").status_code == 403
    assert client.get(f"/wall/?kiosk={issued.token}").status_code == 403

    kiosk_links_revoke(link_ids=[issued.link.pk])
    assert client.get(f"/kiosk/{issued.token}/").status_code == 404
    assert client.get(f"/wall/{venue.slug}/?kiosk={issued.token}").status_code == 403


# --- the state endpoint ------------------------------------------------------------------


def test_state_needs_a_pass_a_session_or_a_kiosk_token(client: Client) -> None:
    venue = polled_venue()
    response = client.get(f"/wall/{venue.slug}/state.json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    kiosk = kiosk_link_create(venue=venue, label="TV", created_by="op").token
    renewed = client.get(f"/wall/{venue.slug}/state.json", HTTP_X_KIOSK_TOKEN=kiosk)
    assert renewed.status_code == 200
    assert renewed["X-Wall-Pass"]


def test_a_session_gets_the_state_an_etag_and_a_pass(user_client: Client) -> None:
    venue = polled_venue()
    response = user_client.get(f"/wall/{venue.slug}/state.json")
    assert response.status_code == 200
    state = json.loads(response.content)
    assert response["ETag"] == f'"{state["version"]}"'
    assert response["X-Wall-Pass"]
    assert [t["state"] for t in state["tiles"]] == ["GOOD", "GOOD"]


def test_a_current_wall_costs_no_query_and_a_change_shows(client: Client) -> None:
    venue = polled_venue()
    url = f"/wall/{venue.slug}/state.json"
    wall_pass = issue_pass(scope_of(venue))
    first = client.get(url, HTTP_X_WALL_PASS=wall_pass)
    assert first.status_code == 200
    with query_budget(0):
        unchanged = client.get(url, HTTP_X_WALL_PASS=wall_pass, HTTP_IF_NONE_MATCH=first["ETag"])
    assert unchanged.status_code == 304

    receiver = venue.receivers.get()
    device_service().snapshot_apply(receiver=receiver, snapshot=snapshot(2, bars=1))

    def changed() -> Any:
        response = client.get(url, HTTP_X_WALL_PASS=wall_pass, HTTP_IF_NONE_MATCH=first["ETag"])
        assert response.status_code in {200, 304}  # 304 while the change waits to be rendered
        return json.loads(response.content) if response.status_code == 200 else None

    state = wait_for(changed, timeout=2, interval=0.05, what="the change")
    assert {t["state"] for t in state["tiles"]} == {"CRITICAL"}


def test_a_pass_opens_only_its_own_wall(client: Client) -> None:
    venue, other = polled_venue(), polled_venue()
    wall_pass = issue_pass(scope_of(venue))
    assert (
        client.get(f"/wall/{other.slug}/state.json", HTTP_X_WALL_PASS=wall_pass).status_code == 403
    )
    assert client.get("/wall/state.json", HTTP_X_WALL_PASS=wall_pass).status_code == 403
    everywhere = issue_pass(scope_of(None))
    assert client.get("/wall/state.json", HTTP_X_WALL_PASS=everywhere).status_code == 200


@override_settings(MICBOARD_WALL_PASS_SECONDS=-1)
def test_an_expired_pass_is_renewed_only_with_valid_credentials(client: Client) -> None:
    venue = polled_venue()
    url = f"/wall/{venue.slug}/state.json"
    wall_pass = issue_pass(scope_of(venue))
    assert client.get(url, HTTP_X_WALL_PASS=wall_pass).status_code == 403
    issued = kiosk_link_create(venue=venue, label="TV", created_by="op")
    renewed = client.get(url, HTTP_X_WALL_PASS=wall_pass, HTTP_X_KIOSK_TOKEN=issued.token)
    assert renewed.status_code == 200
    kiosk_links_revoke(link_ids=[issued.link.pk])
    assert client.get(url, HTTP_X_KIOSK_TOKEN=issued.token).status_code == 403


def test_a_fresh_state_costs_a_fixed_number_of_queries(client: Client) -> None:
    """The wall sends no cookie while its pass is valid: venue, receivers, channels, raised
    alerts, assignments, groups."""

    def costs_seven_queries(venue: Venue) -> None:
        wall_pass = issue_pass(scope_of(venue))
        with query_budget(7):
            response = client.get(f"/wall/{venue.slug}/state.json", HTTP_X_WALL_PASS=wall_pass)
        assert response.status_code == 200

    small = polled_venue()
    large = polled_venue()
    for _ in range(10):
        make_polled_receiver(large)
    costs_seven_queries(small)
    costs_seven_queries(large)


def test_browsers_get_the_state_gzipped(client: Client) -> None:
    venue = polled_venue()
    response = client.get(
        f"/wall/{venue.slug}/state.json",
        HTTP_X_WALL_PASS=issue_pass(scope_of(venue)),
        HTTP_ACCEPT_ENCODING="gzip, deflate, br",
    )
    assert (response["Content-Encoding"], response["Vary"]) == ("gzip", "Accept-Encoding")
    assert len(json.loads(gzip.decompress(response.content))["tiles"]) == 2


def test_a_kiosk_screen_is_shown_no_receiver_address(client: Client) -> None:
    venue = polled_venue()
    hosts = {f"{r.host}:{r.port}" for r in venue.receivers.all()} | {
        r.host for r in venue.receivers.all()
    }
    kiosk = kiosk_link_create(venue=venue, label="TV", created_by="op").token
    response = client.get(f"/wall/{venue.slug}/state.json", HTTP_X_KIOSK_TOKEN=kiosk)
    assert response.status_code == 200
    body = response.content.decode()
    assert json.loads(body)["tiles"]
    assert not [host for host in hosts if host in body]


def test_the_wall_names_its_icon_and_favicon_ico_leads_to_it(user_client: Client) -> None:
    venue = polled_venue()
    page = user_client.get(f"/wall/{venue.slug}/").content.decode()
    assert '<link rel="icon" href="/static/micboard/favicon.svg" type="image/svg+xml">' in page
    response = user_client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (301, "/static/micboard/favicon.svg")
    icon = finders.find("micboard/favicon.svg")
    assert isinstance(icon, str)
    assert Path(icon).read_text().startswith("<svg ")
