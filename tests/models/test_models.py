"""How rows read in the admin and in logs."""

from __future__ import annotations

import pytest
from django.utils import timezone

from micboard.composition import device_service
from micboard.integrations.base import ChannelSnapshot, ReceiverSnapshot
from micboard.models import Channel, DispatchCycle, TelemetrySample
from tests.factories import make_receiver, make_venue

pytestmark = pytest.mark.django_db


def test_rows_read_well() -> None:
    venue = make_venue("Main Hall")
    receiver = make_receiver(venue, model="ULXD4", port=4500)
    device_service().snapshot_apply(
        receiver=receiver, snapshot=ReceiverSnapshot(channels=(ChannelSnapshot(1, "HH01 Lead"),))
    )
    channel = Channel.objects.get(receiver=receiver)
    sample = TelemetrySample.objects.get(channel=channel)
    cycle = DispatchCycle.objects.create(venue=venue, started_at=timezone.now(), due=3, enqueued=2)
    assert str(venue) == "Main Hall"
    assert str(receiver) == f"{receiver.name} (127.0.0.1:4500)"
    assert str(channel) == f"{receiver.name} ch1 HH01 Lead"
    assert str(sample).startswith(f"{channel.pk} @ ")
    assert str(cycle).endswith(": 2/3")
