"""A mixed Shure + Sennheiser simulation (as ``micboard_simulate`` runs it) through a real
worker: each scenario played on the Sennheiser receivers reaches the database, and each
fault leaves a readable error while the Shure receiver beside it stays online."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from pytest_django.fixtures import Settings

from micboard.composition import device_service
from micboard.models import Channel, ChannelState, Receiver, ReceiverStatus, Venue
from micboard.services.dto import ReceiverInput
from micboard.simulator import Simulation, plan_simulation
from micboard.simulator.scenario_file import Event
from micboard.simulator.timeline import Timeline
from tests.factories import make_venue
from tests.system.conftest import StartWorker
from tests.system.test_scenarios import (
    all_online,
    channels_of,
    dispatch,
    play_until_landed,
    statuses,
    synced_until,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.system]

MODELS = ("ULXD4D", "EW-DX-EM-2", "EM6000", "SL-MCR-2-DW", "SLRDW")
SENNHEISER = (1, 2, 3, 4)
FAMILY = dict(zip(SENNHEISER, ("ewdx", "d6000", "slmcrdw", "sldw"), strict=True))


@pytest.fixture(autouse=True)
def _short_device_timeout(settings: Settings) -> None:
    settings.MICBOARD_DEVICE_TIMEOUT = 1.0


@pytest.fixture
def simulation() -> Iterator[Simulation]:
    running = plan_simulation(models=MODELS, drain=0, seed=3)
    running.start()
    yield running
    running.stop()


def register(simulation: Simulation) -> tuple[Venue, list[Receiver]]:
    venue = make_venue()
    receivers = [
        device_service().receiver_register(
            venue=venue,
            data=ReceiverInput(
                name=f"Sim {i}", model=sim.model, host=sim.host, port=sim.port, poll_interval=1
            ),
        )
        for i, sim in enumerate(simulation.receivers)
    ]
    return venue, receivers


def play(simulation: Simulation, *events: Event) -> Timeline:
    timeline = Timeline(events, simulation.receivers)
    timeline.start()
    return timeline


def ssc(receivers: list[Receiver]) -> list[Channel]:
    return [c for i in SENNHEISER for c in channels_of(receivers[i])]


def test_both_vendors_land_with_their_values(
    simulation: Simulation, venue_worker: StartWorker
) -> None:
    venue, receivers = register(simulation)
    assert [r.protocol for r in receivers] == [
        "shure-tcp",
        "sennheiser-ssc-ewdx",
        "sennheiser-ssc-d6000",
        "sennheiser-ssc-slmcrdw",
        "sennheiser-ssc-sldw",
    ]
    with venue_worker(venue):
        all_online(venue, receivers)
    for receiver, simulated in zip(receivers, simulation.receivers, strict=True):
        receiver.refresh_from_db()
        assert receiver.device_id == simulated.device_id
        assert len(channels_of(receiver)) == simulated.channel_count
    mcr = channels_of(receivers[3])
    assert [c.name for c in mcr] == [simulation.receivers[3].starting_name(n) for n in (1, 2)]
    assert {c.state for c in ssc(receivers)} <= {ChannelState.GOOD, ChannelState.REPLACE}
    assert all(c.battery_bars is not None for c in ssc(receivers))
    assert [c.battery_percent is None for c in channels_of(receivers[4])] == [True]  # bars


VALUE_SCENARIOS = [
    (
        Event("mute", receivers=SENNHEISER, channel=1),
        lambda rs: all(channels_of(rs[i])[0].muted for i in SENNHEISER),
    ),
    (
        Event("transmitter_off", receivers=SENNHEISER, channel=1),
        lambda rs: all(
            channels_of(rs[i])[0].battery_bars is None
            and channels_of(rs[i])[0].state != ChannelState.GOOD
            for i in SENNHEISER
        ),
    ),
    (
        Event("rf_dropout", receivers=SENNHEISER, channel=1),
        lambda rs: (
            channels_of(rs[1])[0].battery_bars is None  # EW-DX: no link, no transmitter values
            and channels_of(rs[2])[0].rf_levels == [0, 0]
            and channels_of(rs[3])[0].rf_quality == 0
            and channels_of(rs[4])[0].battery_bars is None  # the SL Rack reports no RF
        ),
    ),
    (
        Event("audio_peak", receivers=(1, 2), channel=1),
        lambda rs: all(channels_of(rs[i])[0].state == ChannelState.AUDIO_PEAK for i in (1, 2)),
    ),
    (
        Event("rename", receivers=(3,), channel=2, params={"name": "Kim99"}),
        lambda rs: channels_of(rs[3])[1].name == "Kim99",
    ),
    (
        Event("battery_drain", receivers=SENNHEISER, every=0.2, params={"minutes": 200}),
        lambda rs: all(c.state == ChannelState.CRITICAL for c in ssc(rs)),
    ),
]


@pytest.mark.parametrize(
    ("event", "landed"), VALUE_SCENARIOS, ids=[e.scenario for e, _ in VALUE_SCENARIOS]
)
def test_scenarios_on_sennheiser_receivers_reach_the_database(
    simulation: Simulation,
    venue_worker: StartWorker,
    event: Event,
    landed: Callable[[list[Receiver]], bool],
) -> None:
    venue, receivers = register(simulation)
    play_until_landed(venue_worker, venue, receivers, simulation.receivers, event, landed)


FAULTS = [
    # (scenario, params, the broken receiver's status, words in last_error)
    ("offline", {}, ReceiverStatus.OFFLINE, "unanswered"),
    ("silent", {}, ReceiverStatus.OFFLINE, "unanswered"),
    ("latency", {"seconds": 2.0}, ReceiverStatus.OFFLINE, "within 1 s"),
    ("latency", {"seconds": 0.1}, ReceiverStatus.ONLINE, ""),
    ("garbage_only", {}, ReceiverStatus.OFFLINE, "unanswered"),
    ("garbage", {}, ReceiverStatus.ONLINE, ""),
    ("truncated", {}, ReceiverStatus.OFFLINE, "unanswered"),
    ("packet_loss", {"share": 0.3}, ReceiverStatus.ONLINE, ""),
    ("duplicates", {}, ReceiverStatus.ONLINE, ""),
    ("lose_value", {}, ReceiverStatus.ONLINE, ""),
]


@pytest.mark.parametrize("index", SENNHEISER, ids=[FAMILY[i] for i in SENNHEISER])
@pytest.mark.parametrize(
    ("scenario", "params", "status", "error"),
    FAULTS,
    ids=[f"{scenario}-{status}" for scenario, _, status, _ in FAULTS],
)
def test_faults_of_a_sennheiser_receiver_leave_the_shure_one_online(  # noqa: PLR0917
    simulation: Simulation,
    venue_worker: StartWorker,
    scenario: str,
    params: dict[str, object],
    status: str,
    error: str,
    index: int,
) -> None:
    venue, receivers = register(simulation)
    shure, broken = receivers[0], receivers[index]
    timeline = play(simulation, Event(scenario, receivers=(index,), params=params))
    try:
        with venue_worker(venue):
            dispatch(venue)
            synced_until(
                venue,
                [shure, broken],
                lambda: statuses([shure, broken]) == [ReceiverStatus.ONLINE, status],
                what=f"{scenario}: the {broken.model} {status}, the ULX-D online",
            )
    finally:
        timeline.stop()
    broken.refresh_from_db()
    if status == ReceiverStatus.OFFLINE:
        assert error in broken.last_error
        assert f"{broken.host}:{broken.port}" in broken.last_error
        assert not Channel.objects.filter(receiver=broken).exists()  # nothing half-written
    else:
        assert broken.last_error == ""
        assert len(channels_of(broken)) == simulation.receivers[index].channel_count
    if scenario in {"packet_loss", "lose_value"}:
        assert broken.resent_requests > 0  # asked again, within the 1 s poll timeout


def test_a_transmitter_switched_off_and_on_again_comes_back(
    simulation: Simulation, venue_worker: StartWorker
) -> None:
    venue, receivers = register(simulation)

    def batteries() -> list[int | None]:
        return [channels_of(receivers[i])[0].battery_bars for i in SENNHEISER]

    with venue_worker(venue):
        all_online(venue, receivers)
        timeline = play(
            simulation, Event("transmitter_off", receivers=SENNHEISER, channel=1, duration=3.0)
        )
        try:
            synced_until(venue, receivers, lambda: batteries() == [None] * 4, what="off")
            synced_until(venue, receivers, lambda: None not in batteries(), what="on again")
        finally:
            timeline.stop()
    assert statuses(receivers) == [ReceiverStatus.ONLINE] * len(receivers)


def test_a_receiver_refusing_every_address_reports_no_values(
    simulation: Simulation, venue_worker: StartWorker
) -> None:
    """Firmware that answers every address with an error (404): online, values unknown."""
    venue, receivers = register(simulation)
    timeline = play(simulation, Event("reply_errors", receivers=(2,)))
    try:
        with venue_worker(venue):
            all_online(venue, receivers)
    finally:
        timeline.stop()
    channels = channels_of(receivers[2])
    assert [(c.battery_percent, c.muted, c.rf_level) for c in channels] == [(None, None, None)] * 2
    assert {c.state for c in channels} == {ChannelState.TX_COM_ERROR}
