"""A venue whose wall shows ``tiles`` channels in every state: for screenshots and browser tests.

Receivers are made and written through the service layer, as polls would write them; their
addresses are loopback ports nobody polls (no worker runs for the venue)."""

from __future__ import annotations

import itertools
from dataclasses import replace

from micboard.composition import device_service, location_service
from micboard.integrations.base import ChannelSnapshot, ReceiverSnapshot
from micboard.models import Receiver, Venue
from micboard.services.dto import ReceiverInput, UnreachablePoll

NAMES = (
    "Lead Vox", "Guitar", "Keys", "Bass", "Drums", "Sax", "Trumpet", "Pastor", "Host",
    "Choir L", "Choir R", "Narrator", "Juliet", "Romeo", "Nurse", "Mercutio",
)  # fmt: skip
CHANNELS_PER_RECEIVER = 4
_ports = itertools.count(46000)


def _channel(slot: int, number: int) -> ChannelSnapshot:
    """Slot ``slot`` of the venue: mostly healthy, with one of each other state here and there."""
    kind = "HH" if slot % 3 else "BP"
    bars: int | None = 5 if slot % 5 else 4
    runtime: int | None = 540 - slot % 7 * 25 if slot % 5 else 300
    if slot % 11 == 3:
        bars, runtime = 3, 150
    if slot % 13 == 5:
        bars, runtime = 1, 25
    if slot % 17 == 7:
        bars, runtime = None, None  # the transmitter is off
    snapshot = ChannelSnapshot(
        number=number,
        name=f"{kind}{slot + 1:02d} {NAMES[slot % len(NAMES)]}",
        frequency_khz=470_125 + 1_125 * slot,
        battery_bars=bars,
        runtime_minutes=runtime,
        tx_type="ULXD2" if kind == "HH" else "ULXD1",
        rf_level=70 + slot * 7 % 30,
        audio_level=20 + slot * 5 % 20,
        antenna="AX" if slot % 2 else "XB",
    )
    peaking = slot % 19 == 9
    return replace(snapshot, audio_level=48, audio_peak=True) if peaking else snapshot


def sample_venue(*, name: str, slug: str, tiles: int, unreachable: bool = True) -> Venue:
    """A new venue with ``tiles`` channels on ULXD4Q receivers (the last one maybe smaller);
    with ``unreachable``, the last receiver did not answer its last poll."""
    venue = location_service().venue_create(name=name, slug=slug)
    devices = device_service()
    receivers: list[Receiver] = []
    for first in range(0, tiles, CHANNELS_PER_RECEIVER):
        count = min(CHANNELS_PER_RECEIVER, tiles - first)
        model = {1: "ULXD4", 2: "ULXD4D"}.get(count, "ULXD4Q")
        receiver = devices.receiver_register(
            venue=venue,
            data=ReceiverInput(
                name=f"Rack {first // CHANNELS_PER_RECEIVER + 1:02d}",
                model=model,
                host="127.0.0.1",
                port=next(_ports),
                poll_interval=3600,
            ),
        )
        channels = tuple(_channel(first + n, n + 1) for n in range(count))
        devices.snapshot_apply(
            receiver=receiver, snapshot=ReceiverSnapshot(model=model, channels=channels)
        )
        receivers.append(receiver)
    if unreachable and len(receivers) > 1:
        devices.polls_apply(
            answered=[], unreachable=[UnreachablePoll(receivers[-1], "connection refused")]
        )
    return venue
