"""Every simulator scenario, through a real in-process Celery worker, to the database.

Dispatcher -> worker -> driver -> simulator on loopback sockets (TCP, UDP for UHF-R) ->
rows. Each fault runs beside a healthy receiver, which must stay online: one broken
receiver never blocks the worker for the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import pytest
from pytest_django.fixtures import Settings

from micboard.composition import sync_service
from micboard.integrations.shure.fleet import Fleet
from micboard.integrations.shure.simulator import SimulatedReceiver
from micboard.models import Channel, ChannelState, Receiver, ReceiverStatus, Venue
from micboard.simulator.devices import SimulatedDevice
from micboard.simulator.scenario_file import Event
from micboard.simulator.timeline import Timeline
from micboard.workers.celery import app
from tests.system.conftest import StartWorker, register_fleet
from tests.waiting import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.system]

ONE_PER_FAMILY = ("ULXD4D", "QLXD4", "SLXD4D", "AD4D", "UR4D", "P10T")
TIMEOUT = 1.0
BATTERY_STATES = {ChannelState.GOOD, ChannelState.REPLACE, ChannelState.CRITICAL}


@pytest.fixture(autouse=True)
def _short_device_timeout(settings: Settings) -> None:
    settings.MICBOARD_DEVICE_TIMEOUT = TIMEOUT


def dispatch(venue: Venue) -> None:
    queue = venue.queue_name
    app.send_task("micboard.dispatch_due_syncs", args=[venue.pk], queue=queue, routing_key=queue)


def resync(receivers: Iterable[Receiver]) -> None:
    sync_service().receivers_resync(receiver_ids=[r.pk for r in receivers], requested_by="test")


def statuses(receivers: list[Receiver]) -> list[str]:
    by_pk = dict(
        Receiver.objects.filter(pk__in=[r.pk for r in receivers]).values_list("pk", "status")
    )
    return [by_pk[r.pk] for r in receivers]


def channels_of(receiver: Receiver) -> list[Channel]:
    return list(Channel.objects.filter(receiver=receiver).order_by("number"))


def play(fleet: Fleet, *events: Event) -> Timeline:
    timeline = Timeline(events, fleet.receivers)
    timeline.start()
    return timeline


def play_until_landed(  # noqa: PLR0917
    venue_worker: StartWorker,
    venue: Venue,
    receivers: list[Receiver],
    simulated: Sequence[SimulatedDevice],
    event: Event,
    landed: Callable[[list[Receiver]], bool],
) -> None:
    """Every receiver online, then ``event`` played until ``landed``; all still online."""
    with venue_worker(venue):
        all_online(venue, receivers)
        timeline = Timeline([event], simulated)
        timeline.start()
        try:
            synced_until(venue, receivers, lambda: landed(receivers), what=event.scenario)
        finally:
            timeline.stop()
    assert statuses(receivers) == [ReceiverStatus.ONLINE] * len(receivers)


def synced_until(
    venue: Venue, receivers: list[Receiver], done: Callable[[], bool], what: str
) -> None:
    """Resync until ``done`` holds (bounded)."""

    def probe() -> bool:
        resync(receivers)
        return done()

    wait_for(probe, timeout=15, interval=0.4, what=what)


def all_online(venue: Venue, receivers: list[Receiver]) -> None:
    dispatch(venue)
    synced_until(
        venue,
        receivers,
        lambda: statuses(receivers) == [ReceiverStatus.ONLINE] * len(receivers),
        what="every receiver online",
    )


def expected_state(bars: int | None) -> set[ChannelState]:
    if bars is None:
        return {ChannelState.TX_COM_ERROR}
    return {
        ChannelState.GOOD
        if bars >= 4
        else ChannelState.REPLACE
        if bars == 3
        else ChannelState.CRITICAL
    }


def test_every_family_lands_with_names_frequencies_batteries_and_states(
    start_fleet: Callable[..., Fleet], venue_worker: StartWorker
) -> None:
    fleet = start_fleet(*ONE_PER_FAMILY)
    venue, receivers = register_fleet(fleet)
    assert [r.protocol for r in receivers] == [sim.family.protocol for sim in fleet.receivers]
    with venue_worker(venue):
        all_online(venue, receivers)
    for receiver, simulated in zip(receivers, fleet.receivers, strict=True):
        receiver.refresh_from_db()
        family = simulated.family
        assert (receiver.model, receiver.device_id) == (simulated.model, simulated.spec.device_id)
        assert receiver.firmware == simulated.spec.firmware
        for channel, spec in zip(channels_of(receiver), simulated.spec.channels, strict=True):
            assert (channel.name, channel.frequency_khz) == (spec.name, spec.frequency_khz)
            if not family.has_battery:
                assert (channel.battery_bars, channel.runtime_minutes) == (None, None)
                continue
            on = spec.runtime_minutes is not None
            assert channel.tx_type == (spec.transmitter if on else "")
            assert channel.runtime_minutes == (spec.runtime_minutes if family.has_runtime else None)
            assert channel.state in expected_state(channel.battery_bars)
            assert (channel.battery_bars is None) == (not on)


def test_an_in_ear_transmitter_without_battery_is_good(
    start_fleet: Callable[..., Fleet], venue_worker: StartWorker
) -> None:
    fleet = start_fleet("P10T")
    venue, receivers = register_fleet(fleet)
    with venue_worker(venue):
        all_online(venue, receivers)
    assert {c.state for c in channels_of(receivers[0])} == {ChannelState.GOOD}


MIXED = ("ULXD4D", "SLXD4", "AD4D", "UR4S", "P10T")


def _battery_channels(receivers: list[Receiver]) -> list[Channel]:
    return [
        channel
        for receiver in receivers
        if receiver.model != "P10T"
        for channel in channels_of(receiver)
    ]


def was_on_before(channel: Channel) -> set[ChannelState]:
    """Off now: the level seen before (PREV_*), or TX_COM_ERROR if it never was on."""
    if channel.last_battery_bars is None:
        return {ChannelState.TX_COM_ERROR}
    return {ChannelState.PREV_GOOD, ChannelState.PREV_REPLACE, ChannelState.PREV_CRITICAL}


@pytest.mark.parametrize(
    ("event", "landed"),
    [
        (
            Event("rename", channel=1, params={"name": "HH99 Kim"}),
            lambda rs: all(channels_of(r)[0].name == "HH99 Kim" for r in rs),
        ),
        (
            Event("frequency", channel=1, params={"khz": 606_500}),
            lambda rs: all(channels_of(r)[0].frequency_khz == 606_500 for r in rs),
        ),
        (
            Event("transmitter_off", channel=1),
            lambda rs: all(
                c.battery_bars is None and c.state in was_on_before(c)
                for c in _battery_channels(rs)
                if c.number == 1
            ),
        ),
        (
            Event("audio_peak", channel=1),
            lambda rs: all(
                c.state == ChannelState.AUDIO_PEAK
                for r in rs
                if r.model not in {"UR4S", "P10T"}  # their meters come only while metering
                for c in channels_of(r)[:1]
            ),
        ),
        (
            Event("rf_dropout", channel=1),
            lambda rs: all(
                (channels_of(r)[0].rf_level or 0) <= 8 and channels_of(r)[0].antenna in {"", "XX"}
                for r in rs
                if r.model not in {"UR4S", "P10T"}
            ),
        ),
        (
            Event("battery_drain", channel=1, every=0.2, params={"minutes": 200}),
            lambda rs: any(
                c.state != ChannelState.GOOD for c in _battery_channels(rs) if c.number == 1
            ),
        ),
    ],
    ids=lambda value: value.scenario if isinstance(value, Event) else "",
)
def test_value_scenarios_reach_the_database(
    start_fleet: Callable[..., Fleet],
    venue_worker: StartWorker,
    event: Event,
    landed: Callable[[list[Receiver]], bool],
) -> None:
    fleet = start_fleet(*MIXED)
    venue, receivers = register_fleet(fleet)
    play_until_landed(venue_worker, venue, receivers, fleet.receivers, event, landed)


DAMAGED_FRAMES = {"garbage", "truncated"}
"""Scenarios whose receiver stays readable while sending malformed frames."""
FAULTS = [
    # (scenario, model, params, the broken receiver's status, words in last_error)
    ("offline", "ULXD4Q", {}, ReceiverStatus.OFFLINE, "refused"),
    ("offline", "UR4D", {}, ReceiverStatus.OFFLINE, "refused"),
    ("silent", "AD4Q", {}, ReceiverStatus.OFFLINE, "no complete reply"),
    ("silent", "UR4S", {}, ReceiverStatus.OFFLINE, "send round"),
    ("latency", "SLXD4D", {"seconds": 2.0}, ReceiverStatus.OFFLINE, "within 1.0 s"),
    ("latency", "P10T", {"seconds": 0.2}, ReceiverStatus.ONLINE, ""),
    ("split_segments", "AD4D", {}, ReceiverStatus.ONLINE, ""),
    ("batch", "P10T", {}, ReceiverStatus.ONLINE, ""),
    ("garbage", "SLXD4", {}, ReceiverStatus.ONLINE, ""),
    ("truncated", "UR4D", {}, ReceiverStatus.ONLINE, ""),
    ("garbage_only", "QLXD4", {}, ReceiverStatus.OFFLINE, "garbage"),
    ("close_mid_reply", "P10T", {}, ReceiverStatus.OFFLINE, "closed by the device"),
    ("reset_mid_reply", "AD4Q", {}, ReceiverStatus.OFFLINE, "reset"),
    ("reply_errors", "SLXD4D", {}, ReceiverStatus.OFFLINE, "answered"),
    ("packet_loss", "UR4D", {"share": 0.3}, ReceiverStatus.ONLINE, ""),
    ("duplicates", "UR4S", {}, ReceiverStatus.ONLINE, ""),
    ("reordering", "UR4D", {}, ReceiverStatus.ONLINE, ""),
]


@pytest.mark.parametrize(
    ("scenario", "model", "params", "status", "error"),
    FAULTS,
    ids=[f"{scenario}-{model}" for scenario, model, *_ in FAULTS],
)
def test_fault_scenarios_leave_a_readable_error_and_never_a_partial_snapshot(  # noqa: PLR0917
    start_fleet: Callable[..., Fleet],
    venue_worker: StartWorker,
    scenario: str,
    model: str,
    params: dict[str, object],
    status: str,
    error: str,
) -> None:
    fleet = start_fleet(model, "ULXD4")
    timeline = play(fleet, Event(scenario, receivers=(0,), params=params))
    venue, (broken, healthy) = register_fleet(fleet)
    simulated: SimulatedReceiver = fleet.receiver(0)
    try:
        with venue_worker(venue):
            dispatch(venue)
            synced_until(
                venue,
                [broken, healthy],
                lambda: statuses([broken, healthy]) == [status, ReceiverStatus.ONLINE],
                what=f"{scenario}: {status}, the healthy receiver online",
            )
    finally:
        timeline.stop()
    broken.refresh_from_db()
    if status == ReceiverStatus.OFFLINE:
        assert error in broken.last_error
        assert f"127.0.0.1:{simulated.port}" in broken.last_error
        assert broken.last_error.isprintable()
        assert not Channel.objects.filter(receiver=broken).exists()  # nothing half-written
    else:
        assert broken.last_error == ""
        assert len(channels_of(broken)) == simulated.channel_count
        if scenario in DAMAGED_FRAMES:  # each malformed message skipped, and counted
            assert broken.skipped_messages >= 1, scenario


def test_a_flapping_receiver_goes_offline_and_back(
    start_fleet: Callable[..., Fleet], venue_worker: StartWorker
) -> None:
    fleet = start_fleet("UR4D", "SLXD4")
    venue, receivers = register_fleet(fleet)
    seen: set[str] = set()
    with venue_worker(venue):
        all_online(venue, receivers)
        # Resyncs of a receiver run at least 2 s apart: a period that is no divisor of 2 s
        # keeps them from sampling the same phase of the flapping every time.
        timeline = play(fleet, Event("flapping", receivers=(0, 1), every=1.3, duration=0.65))
        try:

            def both_seen() -> bool:
                resync(receivers)
                seen.update(statuses(receivers))
                return {ReceiverStatus.ONLINE, ReceiverStatus.OFFLINE} <= seen

            wait_for(both_seen, timeout=30, interval=0.2, what="offline and online again")
        finally:
            timeline.stop()
        fleet.receiver(0).online = fleet.receiver(1).online = True
        synced_until(
            venue,
            receivers,
            lambda: statuses(receivers) == [ReceiverStatus.ONLINE] * 2,
            what="back online",
        )
