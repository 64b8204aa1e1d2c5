"""Test data: venues and receivers made through the service layer, as an operator would make
them, and the snapshots a driver reads from a receiver."""

from __future__ import annotations

import itertools
from datetime import datetime
from io import BytesIO

from PIL import Image

from micboard.composition import device_service, location_service
from micboard.integrations.base import ChannelSnapshot, ReceiverSnapshot
from micboard.models import Assignment, Event, Performer, Receiver, Venue
from micboard.services.dto import ReceiverInput
from micboard.services.performers import (
    AssignmentInput,
    EventInput,
    PerformerInput,
    assignment_create,
    event_create,
    performer_create,
)
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


def image_bytes(
    fmt: str = "PNG", size: tuple[int, int] = (300, 400), mode: str = "RGB", **save: object
) -> bytes:
    """An image drawn here, encoded as ``fmt``."""
    colour: tuple[int, ...] | int = {"RGBA": (200, 40, 40, 128), "RGB": (200, 40, 40)}.get(
        mode, 128
    )
    image = Image.new(mode, size, colour)
    out = BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()


def make_performer(venue: Venue, name: str = "", *, part: str = "") -> Performer:
    return performer_create(
        venue=venue, data=PerformerInput(name=name or f"Performer {next(_counter)}", part=part)
    )


def make_event(venue: Venue, name: str = "", *, starts_at: datetime, ends_at: datetime) -> Event:
    return event_create(
        venue=venue,
        data=EventInput(
            name=name or f"Event {next(_counter)}", starts_at=starts_at, ends_at=ends_at
        ),
    )


def make_assignment(
    performer: Performer, receiver: Receiver, number: int, event: Event | None = None
) -> Assignment:
    return assignment_create(data=AssignmentInput(performer, receiver, number, event))
