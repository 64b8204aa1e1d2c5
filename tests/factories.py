"""Test data: venues and receivers made through the service layer, as an operator would make
them, and the snapshots a driver reads from a receiver."""

from __future__ import annotations

import itertools

from micboard.composition import device_service, location_service
from micboard.integrations.base import ChannelSnapshot, ReceiverSnapshot
from micboard.models import Receiver, Venue
from micboard.services.dto import ReceiverInput
from tests.ports import free_port

_counter = itertools.count(1)


def make_venue(name: str = "") -> Venue:
    number = next(_counter)
    return location_service().venue_create(name=name or f"Venue {number}", slug=f"venue-{number}")


def make_receiver(
    venue: Venue,
    *,
    port: int = 0,
    model: str = "ULXD4Q",
    poll_interval: int = 5,
    host: str = "127.0.0.1",
) -> Receiver:
    number = next(_counter)
    return device_service().receiver_register(
        venue=venue,
        data=ReceiverInput(
            name=f"Receiver {number}",
            model=model,
            host=host,
            # A port nothing listens on: a receiver no test simulates does not answer.
            port=port or free_port(),
            poll_interval=poll_interval,
        ),
    )


def snapshot(channels: int, *, bars: int | None = 4, name: str = "HH01 Lead") -> ReceiverSnapshot:
    """What a ULX-D receiver with ``channels`` channels reports, every transmitter on."""
    return ReceiverSnapshot(
        model="ULXD4Q",
        firmware="2.7.6",
        device_id="RACK-A",
        channels=tuple(
            ChannelSnapshot(
                number=n,
                name=f"{name} {n}",
                frequency_khz=578_000 + 25 * n,
                battery_bars=bars,
                runtime_minutes=245,
                tx_type="ULXD2",
                rf_level=90,
                audio_level=30,
                antenna="AX",
            )
            for n in range(1, channels + 1)
        ),
    )


def make_polled_receiver(venue: Venue, *, model: str = "ULXD4Q", channels: int = 4) -> Receiver:
    """A receiver that has answered one poll: its channels exist."""
    receiver = make_receiver(venue, model=model)
    device_service().snapshot_apply(receiver=receiver, snapshot=snapshot(channels))
    return receiver


def make_polled_venue(*, channels: int = 4) -> tuple[Venue, list[int]]:
    """A venue with one polled receiver, and its channels' ids in channel order."""
    venue = make_venue()
    receiver = make_polled_receiver(venue, channels=channels)
    return venue, list(receiver.channels.order_by("number").values_list("pk", flat=True))
