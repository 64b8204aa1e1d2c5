"""The wall by venue role: a viewer logs in on the wall's page and sees their venues only."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import resolve

from micboard.composition import photo_limits
from micboard.models import Performer, Venue
from micboard.services.access import role_grant
from micboard.services.kiosk import kiosk_link_create
from micboard.services.performers import performer_photo_set
from micboard.web import urls as web_urls
from micboard.web.access import issue_pass, scope_of
from tests.factories import image_bytes, make_performer, make_venue
from tests.roles import GRANTOR, user_with_role

pytestmark = pytest.mark.django_db


def test_the_login_page_is_the_walls_own_and_takes_a_non_staff_user(client: Client) -> None:
    venue = make_venue()
    user = user_with_role(venue, "viewer")
    page = client.get("/login/?next=/wall/")
    assert page.status_code == 200
    assert "Log in to see the walls of your venues." in page.content.decode()
    assert not user.is_staff
    answer = client.post("/login/", {"username": user.username, "password": "pw", "next": ""})
    assert (answer.status_code, answer["Location"]) == (302, "/wall/")
    landed = client.get("/wall/")
    assert (landed.status_code, landed["Location"]) == (302, f"/wall/{venue.slug}/")
    assert client.get(f"/wall/{venue.slug}/").status_code == 200


def test_a_wrong_password_stays_on_the_login_page(client: Client) -> None:
    user = user_with_role(make_venue(), "viewer")
    answer = client.post("/login/", {"username": user.username, "password": "nope"})
    assert answer.status_code == 200
    assert "did not match" in answer.content.decode()
    assert client.get("/wall/").status_code == 302


def test_a_user_of_two_venues_gets_the_list_of_their_walls_only(client: Client) -> None:
    first, second, other = make_venue("Aula"), make_venue("Bühne"), make_venue("Elsewhere")
    user = user_with_role(first, "viewer")
    role_grant(venue=second, user=user, role="operator", actor=GRANTOR)
    client.force_login(user)
    page = client.get("/wall/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/wall/{first.slug}/"' in html
    assert f'href="/wall/{second.slug}/"' in html
    assert other.slug not in html
    assert "Elsewhere" not in html


def test_another_venues_wall_is_not_found_and_the_all_venues_state_is_refused(
    client: Client,
) -> None:
    mine, other = make_venue(), make_venue()
    client.force_login(user_with_role(mine, "viewer"))
    assert client.get(f"/wall/{other.slug}/").status_code == 404
    assert client.get("/wall/no-such-venue/").status_code == 404
    assert client.get(f"/wall/{other.slug}/state.json").status_code == 403
    assert client.get("/wall/state.json").status_code == 403
    assert client.get(f"/wall/{mine.slug}/state.json").status_code == 200


def test_a_user_without_roles_is_told_to_ask_for_one(client: Client) -> None:
    make_venue()
    client.force_login(user_with_role(None, ""))
    page = client.get("/wall/")
    assert page.status_code == 200
    assert "You hold no role in any venue yet." in page.content.decode()


def test_a_pass_for_one_wall_does_not_open_another(client: Client) -> None:
    mine, other = make_venue(), make_venue()
    response = client.get(
        f"/wall/{other.slug}/state.json", HTTP_X_WALL_PASS=issue_pass(scope_of(mine))
    )
    assert response.status_code == 403


def test_logging_out_ends_the_session(client: Client) -> None:
    venue = make_venue()
    client.force_login(user_with_role(venue, "viewer"))
    answer = client.post("/logout/")
    assert (answer.status_code, answer["Location"]) == (302, "/login/")
    assert client.get(f"/wall/{venue.slug}/").status_code == 302


WALL_ROLES = ["anonymous", "nobody", "viewer", "operator", "venue_admin", "superuser"]


def performer_with_photo(venue: Venue) -> Performer:
    performer = make_performer(venue)
    performer_photo_set(
        performer=performer, data=image_bytes(), filename="p.png", limits=photo_limits()
    )
    return performer


def wall_expectations(role: str, mine: Venue, other: Venue, link: str) -> dict[str, int]:
    """The status of each wall, kiosk and photo address for ``role`` (theirs: ``mine``)."""
    signed_in = role != "anonymous"
    has_role = role not in {"anonymous", "nobody"}
    mine_photo, other_photo = (performer_with_photo(v).pk for v in (mine, other))
    return {
        "/login/": 302 if signed_in else 200,  # a signed-in user goes on to the wall
        "/logout/": 405,  # a POST only (``test_logging_out_ends_the_session``)
        f"/wall/{mine.slug}/": 302 if not signed_in else (200 if has_role else 404),
        f"/wall/{other.slug}/": {"anonymous": 302, "superuser": 200}.get(role, 404),
        "/wall/": {"anonymous": 302, "viewer": 302, "operator": 302, "venue_admin": 302}.get(
            role, 200
        ),
        f"/wall/{mine.slug}/state.json": 200 if has_role else 403,
        f"/wall/{other.slug}/state.json": 200 if role == "superuser" else 403,
        "/wall/state.json": 200 if role == "superuser" else 403,
        f"/kiosk/{link}/": 200,
        f"/wall/{other.slug}/?kiosk={link}": 200,
        f"/wall/{mine.slug}/?kiosk={link}": 403,
        f"/performers/{mine_photo}/tile.jpg": 200 if has_role else 404,
        f"/performers/{other_photo}/photo.jpg": 200 if role == "superuser" else 404,
        "/favicon.ico": 301,
    }


@pytest.mark.parametrize("role", WALL_ROLES)
def test_wall_and_kiosk_matrix(client: Client, role: str) -> None:
    """Each wall page and state for each role, on the user's venue, another and every
    venue; kiosk links show exactly their venue whoever holds the screen; performer photos
    are their venue's viewers'."""
    mine, other = make_venue(), make_venue()
    if role != "anonymous":
        client.force_login(
            user_with_role(mine if role != "nobody" else None, "" if role == "nobody" else role)
        )
    link = kiosk_link_create(venue=other, label="TV", created_by="tests").token
    expected = wall_expectations(role, mine, other, link)
    found = {url: client.get(url).status_code for url in expected}
    assert found == expected


def test_every_wall_route_is_in_the_matrix() -> None:
    """A page added to the wall's routes without a line in the matrix fails here."""
    mine, other = make_venue(), make_venue()
    link = kiosk_link_create(venue=other, label="TV", created_by="tests").token
    covered = {
        resolve(urlsplit(url).path).url_name
        for url in wall_expectations("viewer", mine, other, link)
    }
    assert covered == {pattern.name for pattern in web_urls.urlpatterns}
