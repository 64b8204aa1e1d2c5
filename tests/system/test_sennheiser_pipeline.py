"""Sennheiser receivers through the real pipeline: dispatcher, in-process worker, UDP, database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User

from micboard.integrations.sennheiser.families import family_of
from micboard.integrations.sennheiser.simulator.receiver import SimulatedReceiver
from micboard.models import Channel, ChannelState, Receiver, ReceiverStatus
from micboard.selectors.wall import wall_read
from micboard.services.access import role_grant
from micboard.services.audit import Actor
from tests.api.conftest import token_client
from tests.factories import make_receiver, make_venue
from tests.system.conftest import StartWorker
from tests.system.test_sync_pipeline import dispatch_via_worker, statuses
from tests.waiting import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.system]

MODELS = ("SLRDW", "SL-MCR-4-DW", "EM6000", "EW-DX-EM-4-DANTE")


@pytest.fixture
def simulated() -> Iterator[list[SimulatedReceiver]]:
    receivers = []
    for model in MODELS:
        family, channels = family_of(model)
        receivers.append(SimulatedReceiver(family, channels, port=0).start())
    yield receivers
    for receiver in receivers:
        receiver.stop()


def register(simulated: list[SimulatedReceiver]) -> tuple[int, str, list[Receiver]]:
    venue = make_venue()
    receivers = [
        make_receiver(venue, port=sim.port, model=model, poll_interval=1)
        for sim, model in zip(simulated, MODELS, strict=True)
    ]
    return venue.pk, venue.queue_name, receivers


def sync_all(
    simulated: list[SimulatedReceiver], venue_worker: StartWorker, **venue_fields: int
) -> list[Receiver]:
    """Register the simulated receivers in a new venue (with ``venue_fields`` set) and sync
    them through a worker until every one is online."""
    venue_id, queue, receivers = register(simulated)
    venue = receivers[0].venue
    if venue_fields:
        for name, value in venue_fields.items():
            setattr(venue, name, value)
        venue.save()
    with venue_worker(venue):
        dispatch_via_worker(venue_id, queue)
        wait_for(
            lambda: statuses(receivers) == [ReceiverStatus.ONLINE] * len(MODELS),
            timeout=20,
            what="every Sennheiser receiver online",
        )
    return receivers


def test_every_family_reaches_the_database(
    simulated: list[SimulatedReceiver], venue_worker: StartWorker
) -> None:
    simulated[1].channels[2].battery_percent = 30  # one bar short of REPLACE: CRITICAL
    receivers = sync_all(simulated, venue_worker)
    for receiver, sim in zip(receivers, simulated, strict=True):
        receiver.refresh_from_db()
        assert receiver.device_id == sim.identity["serial"]
        assert receiver.firmware == sim.identity["version"]
        channels = list(Channel.objects.filter(receiver=receiver).order_by("number"))
        assert len(channels) == len(sim.channels)
    mcr = Channel.objects.get(receiver=receivers[1], number=3)
    assert mcr.name == "SLMCRDW-3"
    assert mcr.state == ChannelState.CRITICAL
    assert Channel.objects.get(receiver=receivers[1], number=1).state == ChannelState.GOOD


@pytest.mark.parametrize("fault", ["silent", "garbage", "truncated"])
def test_a_receiver_that_gives_no_usable_answer_goes_offline(
    fault: str, simulated: list[SimulatedReceiver], venue_worker: StartWorker
) -> None:
    setattr(simulated[3].faults, fault, True)
    venue_id, queue, receivers = register(simulated)
    with venue_worker(receivers[0].venue):
        dispatch_via_worker(venue_id, queue)
        wait_for(
            lambda: statuses(receivers) == [ReceiverStatus.ONLINE] * 3 + [ReceiverStatus.OFFLINE],
            timeout=30,
            what="the faulty receiver offline, the others online",
        )
    receivers[3].refresh_from_db()
    assert "unanswered" in receivers[3].last_error


def test_lost_and_slow_answers_still_sync(
    simulated: list[SimulatedReceiver], venue_worker: StartWorker
) -> None:
    simulated[0].faults.lose_every = 3
    simulated[2].faults.latency = 0.2
    simulated[3].channels[1].transmitter_on = False
    venue_id, queue, receivers = register(simulated)
    with venue_worker(receivers[0].venue):
        dispatch_via_worker(venue_id, queue)
        wait_for(
            lambda: statuses(receivers) == [ReceiverStatus.ONLINE] * len(MODELS),
            timeout=20,
            what="every receiver online despite the faults",
        )
    off = Channel.objects.get(receiver=receivers[3], number=2)
    assert off.state in {ChannelState.TX_COM_ERROR, ChannelState.PREV_GOOD}


def test_the_venues_percent_levels_decide_the_state(
    simulated: list[SimulatedReceiver], venue_worker: StartWorker
) -> None:
    simulated[3].channels[0].battery_percent = 50
    receivers = sync_all(
        simulated, venue_worker, battery_good_percent=45, battery_replace_percent=20
    )
    channel = Channel.objects.get(receiver=receivers[3], number=1)
    assert channel.battery_percent == 50
    assert channel.state == ChannelState.GOOD  # REPLACE with the default levels


def test_mute_warnings_and_rf_reach_the_api_and_the_wall(
    simulated: list[SimulatedReceiver], venue_worker: StartWorker
) -> None:
    ewdx = simulated[3].channels[0]
    ewdx.muted, ewdx.warnings = True, ["LowBattery"]
    simulated[1].channels[1].rf_quality = 40
    em6000 = simulated[2].channels[0]
    em6000.rf_dbm, em6000.rf_quality = -50.0, 100
    receivers = sync_all(simulated, venue_worker)
    venue = receivers[0].venue
    muted = Channel.objects.get(receiver=receivers[3], number=1)
    assert (muted.muted, muted.warnings) == (True, ["LowBattery"])
    assert Channel.objects.get(receiver=receivers[3], number=2).muted is False
    assert Channel.objects.get(receiver=receivers[1], number=2).rf_quality == 40
    metered = Channel.objects.get(receiver=receivers[2], number=1)
    # -50 dBm on antenna 1 and 15 dB less on antenna 2, as the simulator's /mm row says.
    assert (metered.rf_levels, metered.rf_level, metered.antenna) == ([78, 63], 78, "AB")
    assert metered.rf_quality == 100

    viewer = User.objects.create_user("reader", password="pw")
    role_grant(venue=venue, user=viewer, role="viewer", actor=Actor("tests"))
    reader = token_client(viewer)
    shown = reader.get(f"/api/v1/channels/{muted.pk}/").json()
    assert (shown["muted"], shown["warnings"], shown["battery_percent"]) == (
        True,
        ["LowBattery"],
        80,
    )
    shown = reader.get(f"/api/v1/channels/{metered.pk}/").json()
    assert (shown["rf_levels"], shown["rf_quality"]) == ([78, 63], 100)

    tiles = {t["channel"]: t for t in wall_read(venue=venue, version=1)["tiles"]}
    assert (tiles[muted.pk]["muted"], tiles[muted.pk]["warnings"]) == (True, ["LowBattery"])
    assert tiles[metered.pk]["rf_antennas"] == [68, 55]
    assert (tiles[metered.pk]["antenna_a"], tiles[metered.pk]["antenna_b"]) == (True, True)
