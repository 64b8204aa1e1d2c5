"""The admin through Django's test client: lists, forms validated by the service layer, actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from micboard import __version__
from micboard.composition import device_service, sync_service
from micboard.integrations.base import ChannelSnapshot, ReceiverSnapshot
from micboard.models import Receiver, Venue
from tests.conftest import queue_depth
from tests.factories import make_receiver, make_venue
from tests.services.test_poll_diagnostics import polled

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client) -> Client:
    user = User.objects.create_superuser("operator", "op@example.org", "pw")
    client.force_login(user)
    return client


def receiver_form(venue: Venue, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "venue": venue.pk,
        "name": "Stage left",
        "model": "ULXD4D",
        "protocol": "shure-tcp",
        "host": "10.0.0.20",
        "port": 2202,
        "poll_interval": 5,
        "enabled": "on",
        "channels-TOTAL_FORMS": 0,
        "channels-INITIAL_FORMS": 0,
    }
    data.update(overrides)
    return data


def test_receiver_list_shows_status_and_error(admin_client: Client) -> None:
    receiver = make_receiver(make_venue())
    Receiver.objects.filter(pk=receiver.pk).update(
        status="offline", last_error="connection refused"
    )
    page = admin_client.get("/admin/micboard/receiver/")
    assert page.status_code == 200
    assert b"connection refused" in page.content
    assert b"Offline" in page.content


def test_adding_a_receiver_goes_through_the_service(admin_client: Client) -> None:
    venue = make_venue()
    response = admin_client.post("/admin/micboard/receiver/add/", receiver_form(venue))
    assert response.status_code == 302
    receiver = Receiver.objects.get(venue=venue)
    assert (receiver.family, receiver.channel_count) == ("ULXD", 2)
    assert receiver.next_sync_at is not None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"host": "not a host"}, b"is not an IP address or host name"),
        ({"model": "SLXD9"}, b"SLXD9"),
        ({"poll_interval": 0}, b"outside 1-3600"),
    ],
)
def test_invalid_receiver_is_a_form_error_and_nothing_is_saved(
    admin_client: Client, overrides: dict[str, object], message: bytes
) -> None:
    venue = make_venue()
    response = admin_client.post("/admin/micboard/receiver/add/", receiver_form(venue, **overrides))
    assert response.status_code == 200
    assert message in response.content
    assert not Receiver.objects.exists()


def test_resync_action_enqueues_once(admin_client: Client, redis_client: redis.Redis) -> None:
    venue = make_venue()
    receiver = make_receiver(venue)
    for _ in range(3):
        response = admin_client.post(
            "/admin/micboard/receiver/",
            {"action": "resync_now", "_selected_action": [receiver.pk]},
            follow=True,
        )
        assert response.status_code == 200
    assert b"1 coalesced" in response.content
    assert queue_depth(redis_client, venue.queue_name) == 1
    receiver.refresh_from_db()
    assert receiver.resync_requested_by == "operator"


def test_disable_and_enable_actions(admin_client: Client) -> None:
    receiver = make_receiver(make_venue())
    admin_client.post(
        "/admin/micboard/receiver/",
        {"action": "disable_polling", "_selected_action": [receiver.pk]},
    )
    assert not Receiver.objects.get(pk=receiver.pk).enabled
    admin_client.post(
        "/admin/micboard/receiver/", {"action": "enable_polling", "_selected_action": [receiver.pk]}
    )
    assert Receiver.objects.get(pk=receiver.pk).enabled


def test_receiver_page_shows_channels_inline(admin_client: Client) -> None:
    receiver = make_receiver(make_venue())
    page = admin_client.get(f"/admin/micboard/receiver/{receiver.pk}/change/")
    assert page.status_code == 200
    assert b"Channels" in page.content


def test_receiver_page_shows_each_channels_gain_and_group_channel(admin_client: Client) -> None:
    receiver = make_receiver(make_venue(), model="SLXD4D")
    device_service().snapshot_apply(
        receiver=receiver,
        snapshot=ReceiverSnapshot(
            channels=(
                ChannelSnapshot(1, "HH01 Lead", audio_gain_db=6, group_channel="2,14"),
                ChannelSnapshot(2, "BP02 Host", audio_gain_db=-18),
            )
        ),
    )
    page = admin_client.get(f"/admin/micboard/receiver/{receiver.pk}/change/").content.decode()
    for text in ("Gain", "Group channel", "+6 dB", "2,14", "-18 dB"):
        assert text in page, text


def test_venue_added_in_the_admin_gets_queue_and_dispatcher(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/micboard/venue/add/",
        {"name": "North Campus", "slug": "north-campus", "time_zone": "UTC"},
    )
    assert response.status_code == 302
    venue = Venue.objects.get(slug="north-campus")
    assert venue.queue_name.endswith("north-campus")
    assert PeriodicTask.objects.filter(name="micboard.dispatch:north-campus").exists()
    assert admin_client.get("/admin/micboard/venue/").status_code == 200


def test_bulk_deleting_venues_removes_their_dispatchers(admin_client: Client) -> None:
    venues = [make_venue(), make_venue()]
    admin_client.post(
        "/admin/micboard/venue/",
        {"action": "delete_selected", "_selected_action": [v.pk for v in venues], "post": "yes"},
    )
    assert not Venue.objects.exists()
    assert not PeriodicTask.objects.filter(name__startswith="micboard.dispatch:").exists()


def test_bulk_deleting_receivers(admin_client: Client) -> None:
    venue = make_venue()
    receivers = [make_receiver(venue), make_receiver(venue)]
    admin_client.post(
        "/admin/micboard/receiver/",
        {"action": "delete_selected", "_selected_action": [r.pk for r in receivers], "post": "yes"},
    )
    assert not Receiver.objects.exists()


def test_telemetry_is_read_only(admin_client: Client) -> None:
    assert admin_client.get("/admin/micboard/telemetrysample/").status_code == 200
    assert admin_client.get("/admin/micboard/telemetrysample/add/").status_code == 403


def test_channel_list_reads_like_a_display(admin_client: Client) -> None:
    receiver = make_receiver(make_venue(), model="ULXD4")
    device_service().snapshot_apply(
        receiver=receiver,
        snapshot=ReceiverSnapshot(
            channels=(ChannelSnapshot(1, "HH01 Lead", 578350, 4, 245, "ULXD2"),)
        ),
    )
    page = admin_client.get("/admin/micboard/channel/")
    assert page.status_code == 200
    for text in (b"HH01 Lead", b"578.350", b"4:05", b"Good"):
        assert text in page.content
    assert admin_client.get("/admin/micboard/channel/add/").status_code == 403


def test_venue_page_shows_dispatch_statistics(admin_client: Client) -> None:
    venue = make_venue()
    make_receiver(venue)
    sync_service().venue_dispatch(venue_id=venue.pk)
    page = admin_client.get(f"/admin/micboard/venue/{venue.pk}/change/")
    assert page.status_code == 200
    assert b"Last hour: 1 cycles, 1 due, 1 enqueued" in page.content


def test_resync_a_whole_venue_from_the_admin(
    admin_client: Client, redis_client: redis.Redis
) -> None:
    venue = make_venue()
    for _ in range(3):
        make_receiver(venue)
    response = admin_client.post(
        "/admin/micboard/venue/",
        {"action": "resync_venues", "_selected_action": [venue.pk]},
        follow=True,
    )
    assert b"Resync queued for 3 receiver(s)" in response.content
    assert queue_depth(redis_client, venue.queue_name) == 3


def test_the_admin_shows_the_version(admin_client: Client) -> None:
    assert f"micboard {__version__}".encode() in admin_client.get("/admin/").content


def test_the_admin_shows_the_diagnostics(admin_client: Client) -> None:
    receiver = polled(make_receiver(make_venue()), skipped_messages=5, last_skipped="odd sample")

    page = admin_client.get(f"/admin/micboard/receiver/{receiver.pk}/change/").content.decode()

    assert "Skipped messages" in page
    assert "odd sample" in page


def test_a_stale_receiver_has_a_stale_badge_and_its_venue_a_silent_worker(
    admin_client: Client,
) -> None:
    venue = make_venue()
    receiver = make_receiver(venue, poll_interval=5)
    old = timezone.now() - timedelta(seconds=60)
    Receiver.objects.filter(pk=receiver.pk).update(status="online", last_sync_at=old)
    page = admin_client.get("/admin/micboard/receiver/")
    assert b"Stale (Online)" in page.content
    since = f"{timezone.localtime(old):%H:%M:%S}".encode()
    venue_page = admin_client.get(f"/admin/micboard/venue/{venue.pk}/change/")
    assert b"venue worker not reporting since " + since in venue_page.content
    venues = admin_client.get("/admin/micboard/venue/")
    assert b"venue worker not reporting since " + since in venues.content

    Receiver.objects.filter(pk=receiver.pk).update(last_sync_at=timezone.now())
    assert b"Stale (" not in admin_client.get("/admin/micboard/receiver/").content
    assert b"not reporting" not in admin_client.get("/admin/micboard/venue/").content


def test_a_venues_runtime_levels_are_checked_and_saved_in_the_admin(admin_client: Client) -> None:
    venue = make_venue()
    form = {"name": venue.name, "time_zone": "UTC", "stale_after_polls": 3}
    url = f"/admin/micboard/venue/{venue.pk}/change/"
    refused = admin_client.post(
        url, form | {"battery_replace_minutes": 20, "battery_critical_minutes": 60}
    )
    assert refused.status_code == 200
    assert b"60 must be below the REPLACE level (20)" in refused.content
    saved = admin_client.post(
        url, form | {"battery_replace_minutes": 60, "battery_critical_minutes": 20}
    )
    assert saved.status_code == 302
    venue.refresh_from_db()
    assert (venue.battery_replace_minutes, venue.battery_critical_minutes) == (60, 20)
