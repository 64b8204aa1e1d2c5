"""Test data made through the service layer, as an operator would make it."""

from __future__ import annotations

import itertools

from micboard.composition import device_service, location_service
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
