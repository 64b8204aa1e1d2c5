"""The wall by venue role: a viewer logs in on the wall's page and sees their venues only."""

from __future__ import annotations

import pytest
from django.test import Client

from micboard.services.access import role_grant
from micboard.services.kiosk import kiosk_link_create
from micboard.web.access import issue_pass, scope_of
from tests.factories import make_venue
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


@pytest.mark.parametrize("role", WALL_ROLES)
def test_wall_and_kiosk_matrix(client: Client, role: str) -> None:
    """Each wall page and state for each role, on the user's venue, another and every
    venue; kiosk links show exactly their venue whoever holds the screen."""
    mine, other = make_venue(), make_venue()
    if role != "anonymous":
        client.force_login(
            user_with_role(mine if role != "nobody" else None, "" if role == "nobody" else role)
        )
    link = kiosk_link_create(venue=other, label="TV", created_by="tests").token
    expected = {
        f"/wall/{mine.slug}/": 302 if role == "anonymous" else (404 if role == "nobody" else 200),
        f"/wall/{other.slug}/": {"anonymous": 302, "superuser": 200}.get(role, 404),
        "/wall/": {"anonymous": 302, "viewer": 302, "operator": 302, "venue_admin": 302}.get(
            role, 200
        ),
        f"/wall/{mine.slug}/state.json": 403 if role in {"anonymous", "nobody"} else 200,
        f"/wall/{other.slug}/state.json": 200 if role == "superuser" else 403,
        "/wall/state.json": 200 if role == "superuser" else 403,
        f"/kiosk/{link}/": 200,
        f"/wall/{other.slug}/?kiosk={link}": 200,
        f"/wall/{mine.slug}/?kiosk={link}": 403,
    }
    found = {url: client.get(url).status_code for url in expected}
    assert found == expected
