"""Channels and their telemetry history: filters, time windows and pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from micboard.composition import device_service
from micboard.integrations.base import ChannelSnapshot, ReceiverSnapshot
from micboard.models import Channel, ChannelState, Receiver, TelemetrySample
from tests.factories import make_polled_receiver, make_receiver, make_venue

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 26, 19, 0, tzinfo=UTC)


def polled_channel() -> Channel:
    receiver = make_polled_receiver(make_venue(), model="ULXD4D", channels=2)
    return Channel.objects.get(receiver=receiver, number=1)


def test_a_channel_reads_as_people_read_it(reader: APIClient) -> None:
    channel = polled_channel()
    shown = reader.get(f"/api/v1/channels/{channel.pk}/").json()
    assert (shown["channel_id"], shown["display_name"]) == ("HH01", "Lead 1")
    assert (shown["frequency_mhz"], shown["runtime"], shown["state"]) == ("578.025", "4:05", "GOOD")


def test_a_channel_shows_the_receivers_gain_and_group_channel(reader: APIClient) -> None:
    receiver = make_receiver(make_venue(), model="SLXD4")
    device_service().snapshot_apply(
        receiver=receiver,
        snapshot=ReceiverSnapshot(
            channels=(ChannelSnapshot(1, "HH01 Lead", audio_gain_db=-6, group_channel="2,14"),)
        ),
    )
    channel = Channel.objects.get(receiver=receiver)
    shown = reader.get(f"/api/v1/channels/{channel.pk}/").json()
    assert (shown["audio_gain_db"], shown["group_channel"]) == (-6, "2,14")
    unreported = reader.get(f"/api/v1/channels/{polled_channel().pk}/").json()
    assert (unreported["audio_gain_db"], unreported["group_channel"]) == (None, "")


def test_channels_filter_by_venue_receiver_and_state(reader: APIClient) -> None:
    channel = polled_channel()
    polled_channel()
    venue = channel.receiver.venue.slug
    assert reader.get(f"/api/v1/channels/?venue={venue}").json()["count"] == 2
    assert reader.get(f"/api/v1/channels/?receiver={channel.receiver_id}").json()["count"] == 2
    assert reader.get("/api/v1/channels/?state=GOOD").json()["count"] == 4
    assert reader.get("/api/v1/channels/?state=CRITICAL").json()["count"] == 0
    assert reader.get("/api/v1/channels/?receiver=abc").status_code == 400
    assert reader.get("/api/v1/channels/?state=MAYBE").status_code == 400


def add_samples(channel: Channel, count: int) -> None:
    TelemetrySample.objects.filter(channel=channel).delete()
    TelemetrySample.objects.bulk_create(
        TelemetrySample(
            channel=channel,
            recorded_at=T0 + timedelta(minutes=i),
            battery_bars=5 - i % 5,
            state=ChannelState.GOOD,
        )
        for i in range(count)
    )


def test_samples_come_newest_first_within_since_and_until(reader: APIClient) -> None:
    channel = polled_channel()
    add_samples(channel, 10)
    since, until = (T0 + timedelta(minutes=3)).isoformat(), (T0 + timedelta(minutes=7)).isoformat()
    page = reader.get(
        f"/api/v1/channels/{channel.pk}/samples/", {"since": since, "until": until}
    ).json()
    minutes = [datetime.fromisoformat(s["recorded_at"]).minute for s in page["results"]]
    assert (page["count"], minutes) == (4, [6, 5, 4, 3])


def test_samples_are_paginated(reader: APIClient) -> None:
    channel = polled_channel()
    add_samples(channel, 7)
    url = f"/api/v1/channels/{channel.pk}/samples/"
    first = reader.get(url, {"page_size": 3}).json()
    assert (first["count"], len(first["results"]), first["previous"]) == (7, 3, None)
    last = reader.get(url, {"page_size": 3, "page": 3}).json()
    assert (len(last["results"]), last["next"]) == (1, None)
    assert reader.get(url, {"page": 4, "page_size": 3}).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"since": "yesterday"},
        {"until": "2026-13-01T00:00:00Z"},
        {"since": "2026-11-26T20:00:00Z", "until": "2026-11-26T19:00:00Z"},
        {"page_size": "0"},
        {"page_size": "many"},
        {"page_size": "501"},
    ],
)
def test_a_bad_window_or_page_size_is_a_400(reader: APIClient, query: dict[str, str]) -> None:
    channel = polled_channel()
    response = reader.get(f"/api/v1/channels/{channel.pk}/samples/", query)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_samples_of_a_missing_channel_are_a_404(reader: APIClient) -> None:
    response = reader.get("/api/v1/channels/999999/samples/")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")


def test_a_channel_of_a_stale_receiver_reads_stale_with_its_last_state(
    reader: APIClient,
) -> None:
    channel = polled_channel()
    receiver = channel.receiver
    Receiver.objects.filter(pk=receiver.pk).update(
        last_sync_at=timezone.now() - timedelta(seconds=receiver.poll_interval * 3 + 1)
    )
    shown = reader.get(f"/api/v1/channels/{channel.pk}/").json()
    assert (shown["state"], shown["data_state"], shown["stale"]) == ("STALE", "GOOD", True)
    listed = reader.get(f"/api/v1/receivers/{receiver.pk}/").json()
    assert listed["stale"] is True
    assert listed["status"] == "online"  # what it last said, shown beside "stale"
    assert listed["data_age_seconds"] >= receiver.poll_interval * 3


def _age(receiver: Receiver, seconds: float) -> None:
    Receiver.objects.filter(pk=receiver.pk).update(
        last_sync_at=timezone.now() - timedelta(seconds=seconds)
    )


def test_the_state_filter_sees_the_state_a_reader_sees(reader: APIClient) -> None:
    stale, fresh, just_fresh = polled_channel(), polled_channel(), polled_channel()
    _age(stale.receiver, stale.receiver.poll_interval * 3 + 1)
    _age(just_fresh.receiver, just_fresh.receiver.poll_interval * 3 - 2)

    def listed(state: str) -> set[int]:
        return {c["id"] for c in reader.get(f"/api/v1/channels/?state={state}").json()["results"]}

    stale_ids = set(stale.receiver.channels.values_list("pk", flat=True))
    fresh_ids = {
        *fresh.receiver.channels.values_list("pk", flat=True),
        *just_fresh.receiver.channels.values_list("pk", flat=True),
    }
    assert listed("STALE") == stale_ids
    assert listed("GOOD") == fresh_ids  # the stale channels' stored GOOD is not what shows
    page = reader.get("/api/v1/channels/?state=STALE").json()["results"]
    assert {(c["state"], c["data_state"], c["stale"]) for c in page} == {("STALE", "GOOD", True)}


def test_a_venues_own_stale_after_polls_decides_the_filter(reader: APIClient) -> None:
    channel = polled_channel()
    receiver = channel.receiver
    _age(receiver, receiver.poll_interval * 3 + 1)
    assert reader.get("/api/v1/channels/?state=STALE").json()["count"] == 2
    receiver.venue.stale_after_polls = 5
    receiver.venue.save()
    assert reader.get("/api/v1/channels/?state=STALE").json()["count"] == 0
    assert reader.get("/api/v1/channels/?state=GOOD").json()["count"] == 2


def test_a_disabled_receivers_channels_are_never_stale(reader: APIClient) -> None:
    channel = polled_channel()
    _age(channel.receiver, 10_000)
    Receiver.objects.filter(pk=channel.receiver_id).update(enabled=False)
    assert reader.get("/api/v1/channels/?state=STALE").json()["count"] == 0
    assert reader.get("/api/v1/channels/?state=GOOD").json()["count"] == 2
    assert reader.get(f"/api/v1/channels/{channel.pk}/").json()["state"] == "GOOD"
