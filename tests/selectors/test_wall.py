"""The wall's state: tiles as people read them, placeholders, groups, fixed queries."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from micboard.composition import device_service
from micboard.integrations.base import ChannelSnapshot, ReceiverSnapshot
from micboard.models import Receiver, Venue
from micboard.selectors.wall import wall_read
from micboard.services.groups import GroupInput, group_create
from tests.factories import make_polled_receiver, make_receiver, make_venue, snapshot
from tests.queries import query_budget

pytestmark = pytest.mark.django_db


def test_a_polled_channel_reads_like_a_shure_wall() -> None:
    receiver = make_receiver(make_venue(), model="ULXD4")
    device_service().snapshot_apply(
        receiver=receiver,
        snapshot=ReceiverSnapshot(
            model="ULXD4",
            channels=(
                ChannelSnapshot(
                    number=1,
                    name="HH01 Lead Vox",
                    frequency_khz=578_350,
                    battery_bars=3,
                    runtime_minutes=125,
                    tx_type="ULXD2",
                    rf_level=92,
                    audio_level=45,
                    antenna="XB",
                ),
            ),
        ),
    )
    (tile,) = wall_read(venue=receiver.venue, version=7)["tiles"]
    assert (tile["id"], tile["name"], tile["state"], tile["state_label"]) == (
        "HH01",
        "Lead Vox",
        "REPLACE",
        "Replace battery",
    )
    assert (tile["battery"], tile["runtime"], tile["frequency"], tile["tx"]) == (
        3,
        "2:05",
        "578.350",
        "ULXD2",
    )
    assert (tile["rf"], tile["rf_dbm"], tile["audio"], tile["audio_dbfs"]) == (80, -36, 90, -5)
    assert tile["audio_peak"] is True
    assert (tile["antenna_a"], tile["antenna_b"]) == (False, True)
    # A kiosk screen is unauthenticated and shares these frames: no host or port in them.
    assert "address" not in tile
    assert receiver.host not in json.dumps(tile)


def test_receivers_without_channels_still_get_tiles() -> None:
    venue = make_venue()
    waiting = make_receiver(venue, model="ULXD4D")
    offline = make_receiver(venue, model="ULXD4")
    Receiver.objects.filter(pk=offline.pk).update(status="offline")
    tiles = {t["key"]: t for t in wall_read(venue=venue, version=1)["tiles"]}
    assert {tiles[f"{waiting.pk}:{n}"]["state"] for n in (1, 2)} == {"NO_DATA"}
    assert tiles[f"{offline.pk}:1"]["state_label"] == "Receiver unreachable"


def test_disabled_receivers_and_other_venues_are_left_out() -> None:
    venue, other = make_venue(), make_venue()
    shown, disabled = make_receiver(venue, model="ULXD4"), make_receiver(venue)
    make_receiver(other)
    device_service().receiver_set_enabled(receiver_ids=[disabled.pk], enabled=False)
    state = wall_read(venue=venue, version=1)
    assert [t["key"] for t in state["tiles"]] == [f"{shown.pk}:1"]
    assert state["venue"] == {"slug": venue.slug, "name": venue.name}
    everywhere = wall_read(venue=None, version=1)
    assert {v["slug"] for v in everywhere["venues"]} == {venue.slug, other.slug}


def test_groups_list_their_tiles_in_order() -> None:
    venue = make_venue()
    receiver = make_receiver(venue, model="ULXD4Q")
    device_service().snapshot_apply(receiver=receiver, snapshot=snapshot(4))
    ids = dict(receiver.channels.values_list("number", "pk"))
    group_create(venue=venue, data=GroupInput(2, "Band", (ids[4], ids[1])))
    group_create(venue=venue, data=GroupInput(1, "Empty"))
    groups = wall_read(venue=venue, version=1)["groups"]
    assert groups == [
        {"number": 1, "title": "Empty", "tiles": []},
        {"number": 2, "title": "Band", "tiles": [f"{receiver.pk}:4", f"{receiver.pk}:1"]},
    ]


def state_costs(queries: int, venue: Venue | None) -> None:
    with query_budget(queries):
        wall_read(venue=venue, version=1)


def add_polled(venue: Venue, count: int) -> None:
    for _ in range(count):
        make_polled_receiver(venue)


def test_the_state_costs_the_same_queries_for_4_or_40_channels() -> None:
    venue = make_venue()
    add_polled(venue, 1)
    group_create(venue=venue, data=GroupInput(1, "One"))
    state_costs(6, venue)
    state_costs(4, None)
    add_polled(venue, 9)
    state_costs(6, venue)
    state_costs(4, None)


def test_a_stale_receiver_is_shown_stale_with_the_time_of_its_data() -> None:
    venue = make_venue()
    receiver = make_receiver(venue, model="ULXD4", poll_interval=5)
    device_service().snapshot_apply(
        receiver=receiver,
        snapshot=ReceiverSnapshot(
            model="ULXD4", channels=(ChannelSnapshot(number=1, battery_bars=5),)
        ),
    )
    fresh = wall_read(venue=venue, version=1)
    (tile,) = fresh["tiles"]
    assert (tile["state"], tile["stale"]) == ("GOOD", False)
    assert fresh["stale_at"] is not None
    assert fresh["venues"][0]["not_reporting"] == ""

    old = timezone.now() - timedelta(seconds=60)
    Receiver.objects.filter(pk=receiver.pk).update(last_sync_at=old)
    state = wall_read(venue=venue, version=2)
    (tile,) = state["tiles"]
    assert (tile["state"], tile["data_state"], tile["stale"]) == ("STALE", "GOOD", True)
    assert tile["state_label"] == "Data stale"
    assert tile["synced_at"] == old.isoformat()
    assert state["stale_at"] is None  # nothing left to turn stale
    since = f"{timezone.localtime(old):%H:%M:%S}"
    assert state["venues"][0]["not_reporting"] == f"venue worker not reporting since {since}"
