"""The wall's admin: channel groups saved by the group service, kiosk links made and revoked."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client

from micboard.models import ChannelGroup, KioskLink, Venue
from micboard.selectors.kiosk import kiosk_link_for_token
from micboard.services.kiosk import kiosk_link_create
from tests.factories import make_polled_venue, make_venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("operator", "op@example.org", "pw"))
    return client


def polled_venue() -> tuple[Venue, list[int]]:
    return make_polled_venue()


def group_form(venue: Venue, members: list[tuple[int, int]], **fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "venue": venue.pk,
        "number": 1,
        "title": "Vocals",
        "members-TOTAL_FORMS": len(members),
        "members-INITIAL_FORMS": 0,
    }
    for index, (position, channel) in enumerate(members):
        data[f"members-{index}-position"] = position
        data[f"members-{index}-channel"] = channel
    data.update(fields)
    return data


def test_a_group_is_added_with_its_channels_in_position_order(admin_client: Client) -> None:
    venue, channels = polled_venue()
    response = admin_client.post(
        "/admin/micboard/channelgroup/add/",
        group_form(venue, [(2, channels[0]), (1, channels[3])]),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    group = ChannelGroup.objects.get(venue=venue)
    assert [m.channel_id for m in group.members.order_by("position")] == [channels[3], channels[0]]
    listing = admin_client.get("/admin/micboard/channelgroup/")
    assert b"Vocals" in listing.content


def test_a_group_with_another_venues_channel_is_refused(admin_client: Client) -> None:
    venue, _ = polled_venue()
    _, foreign = polled_venue()
    response = admin_client.post(
        "/admin/micboard/channelgroup/add/", group_form(venue, [(0, foreign[0])])
    )
    assert response.status_code == 200
    assert b"not channels of venue" in response.content
    assert not ChannelGroup.objects.exists()


def test_a_kiosk_link_is_shown_once_and_revoked(admin_client: Client) -> None:
    venue = make_venue()
    response = admin_client.post(
        "/admin/micboard/kiosklink/add/", {"venue": venue.pk, "label": "FOH TV"}, follow=True
    )
    assert response.status_code == 200
    (message,) = [str(m) for m in get_messages(response.wsgi_request) if "/kiosk/" in str(m)]
    token = message.split("/kiosk/")[1].split("/")[0]
    link = kiosk_link_for_token(token=token)
    assert link is not None
    assert (link.label, link.venue, link.created_by) == ("FOH TV", venue, "operator")

    other = kiosk_link_create(venue=None, label="Office", created_by="op").link
    admin_client.post(
        "/admin/micboard/kiosklink/",
        {"action": "revoke", "_selected_action": [link.pk]},
    )
    assert kiosk_link_for_token(token=token) is None
    assert KioskLink.objects.get(pk=other.pk).active
    assert b"Revoked" in admin_client.get("/admin/micboard/kiosklink/").content
