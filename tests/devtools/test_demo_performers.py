"""The demo's cast: drawn portraits, one performer per channel, idempotent, and group 1."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from micboard.composition import device_service
from micboard.devtools.demo import DemoOptions, demo_venue
from micboard.devtools.demo_performers import CAST, demo_group, demo_performers, portrait
from micboard.models import Assignment, ChannelGroup, Performer
from micboard.selectors.wall import wall_read
from tests.factories import snapshot

pytestmark = pytest.mark.django_db


def test_a_portrait_is_a_png_drawn_from_the_name() -> None:
    image = Image.open(BytesIO(portrait("Maria Keller")))
    assert (image.format, image.size) == ("PNG", (320, 320))
    assert portrait("Maria Keller") == portrait("Maria Keller")
    assert portrait("Maria Keller") != portrait("Ben Ode")


def test_every_demo_channel_gets_a_performer_with_a_photo_once() -> None:
    venue = demo_venue(DemoOptions(simulator_base_port=26000))
    assert demo_performers(venue) == 16
    photos = set(Performer.objects.values_list("photo_tile", flat=True))
    assert len(photos) == 16
    assert all(default_storage.exists(name) for name in photos)
    assert demo_performers(venue) == 16  # again: nothing new
    assert Performer.objects.count() == len(CAST) == Assignment.objects.count()
    assert set(Performer.objects.values_list("photo_tile", flat=True)) == photos
    tiles = wall_read(venue=venue, version=1)["tiles"]
    assert [t["performer"]["name"] for t in tiles if t["performer"]] != []
    assert all(t["performer"] and t["performer"]["photo_url"] for t in tiles)


def test_group_one_is_made_once_channels_have_reported() -> None:
    venue = demo_venue(DemoOptions(receivers=2, simulator_base_port=26100))
    assert demo_group(venue) is None
    for receiver in venue.receivers.all():
        device_service().snapshot_apply(
            receiver=receiver, snapshot=snapshot(receiver.channel_count)
        )
    group = demo_group(venue)
    assert group is not None
    assert (group.number, group.title, group.members.count()) == (1, "Leads", 4)
    demo_group(venue)
    assert ChannelGroup.objects.count() == 1
