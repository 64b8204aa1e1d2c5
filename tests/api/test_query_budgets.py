"""Every list costs the same number of queries for 2 rows as for 20."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from micboard.models import Channel, ChannelState, TelemetrySample, Venue
from micboard.services.groups import GroupInput, group_create
from tests.factories import make_polled_receiver, make_receiver, make_venue
from tests.queries import query_budget

pytestmark = pytest.mark.django_db


def venues(rows: int) -> str:
    for _ in range(rows):
        make_receiver(make_venue())
    return "/api/v1/venues/"


def receivers(rows: int) -> str:
    venue = make_venue()
    for _ in range(rows):
        make_receiver(venue)
    return f"/api/v1/receivers/?venue={venue.slug}"


def _polled(venue: Venue, channels: int) -> list[int]:
    receiver = make_polled_receiver(venue, channels=channels)
    return list(receiver.channels.values_list("pk", flat=True))


def channels(rows: int) -> str:
    venue = make_venue()
    for _ in range(rows // 2):
        _polled(venue, 2)
    return f"/api/v1/channels/?venue={venue.slug}"


def groups(rows: int) -> str:
    venue = make_venue()
    members = _polled(venue, 4)
    for number in range(rows % 10 or 10):
        group_create(venue=venue, data=GroupInput(number, f"Group {number}", tuple(members)))
    for _ in range(rows // 10 - 1):  # 20 rows: a second venue with ten more groups
        other = make_venue()
        more = _polled(other, 4)
        for number in range(10):
            group_create(venue=other, data=GroupInput(number, "More", tuple(more)))
    return "/api/v1/groups/"


def samples(rows: int) -> str:
    venue = make_venue()
    channel = Channel.objects.get(pk=_polled(venue, 1)[0])
    TelemetrySample.objects.bulk_create(
        TelemetrySample(channel=channel, recorded_at=channel.updated_at, state=ChannelState.GOOD)
        for _ in range(rows)
    )
    return f"/api/v1/channels/{channel.pk}/samples/"


def list_rows(client: APIClient, url: str, expected_rows: int) -> None:
    response = client.get(url, {"page_size": 50})
    assert response.status_code == 200
    assert len(response.json()["results"]) >= expected_rows


@pytest.mark.parametrize("make_list", [venues, receivers, channels, groups, samples])
def test_list_queries_do_not_grow_with_rows(
    reader: APIClient, make_list: Callable[[int], str]
) -> None:
    few_rows = make_list(2)
    reader.get("/api/v1/venues/")  # the token's first use of the minute notes it: not a list's
    with query_budget(at_most=5) as few:
        list_rows(reader, few_rows, 2)
    many_rows = make_list(20)
    with query_budget(few, at_most=5):  # a failure lists the queries of both
        list_rows(reader, many_rows, 20)
