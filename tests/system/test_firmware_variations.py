"""Firmware variations and lost or odd messages, through a real in-process Celery worker.

The simulator plays each variation on real loopback sockets beside a healthy receiver;
what lands in the database is asserted: every value, the request form the receiver is
remembered to answer, and its diagnostics.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytest_django.fixtures import Settings

from micboard.integrations.shure.fleet import Fleet
from micboard.integrations.shure.simulator import SimulatedReceiver
from micboard.models import Receiver, ReceiverStatus
from micboard.simulator.firmware import apply_variations
from micboard.simulator.scenario_file import Variation
from tests.system.conftest import StartWorker, register_fleet
from tests.system.test_scenarios import channels_of, dispatch, statuses, synced_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.system]

TIMEOUT = 2.0


@pytest.fixture(autouse=True)
def _device_timeout(settings: Settings) -> None:
    settings.MICBOARD_DEVICE_TIMEOUT = TIMEOUT


def assert_values_landed(receiver: Receiver, simulated: SimulatedReceiver) -> None:
    receiver.refresh_from_db()
    assert receiver.status == ReceiverStatus.ONLINE
    assert receiver.model == simulated.model
    assert receiver.device_id == simulated.spec.device_id
    assert receiver.firmware == simulated.spec.firmware
    landed = [(c.name, c.frequency_khz) for c in channels_of(receiver)]
    assert landed == [(c.name, c.frequency_khz) for c in simulated.spec.channels]


def sync_both(fleet: Fleet, venue_worker: StartWorker) -> tuple[Receiver, Receiver]:
    """Register the fleet (the odd receiver first, a healthy one second), sync both and
    check every value of both landed."""
    venue, (odd, healthy) = register_fleet(fleet)
    with venue_worker(venue):
        dispatch(venue)
        synced_until(
            venue,
            [odd, healthy],
            lambda: statuses([odd, healthy]) == [ReceiverStatus.ONLINE] * 2,
            what="both receivers online",
        )
    assert_values_landed(odd, fleet.receiver(0))  # no MODEL: the registered model is kept
    assert_values_landed(healthy, fleet.receiver(1))
    return odd, healthy


VARIATIONS = [
    # (variation, model, request form remembered)
    ("line_commands", "SLXD4D", "all"),
    ("crlf_replies", "AD4D", "all"),
    ("no_all_channels", "ULXD4Q", "all"),
    ("no_model", "ULXD4D", "all"),
    ("no_get_all", "QLXD4", "param"),
    ("no_get_all", "SLXD4D", "param"),
]


@pytest.mark.parametrize(
    ("variation", "model", "form"), VARIATIONS, ids=[f"{v}-{m}" for v, m, _ in VARIATIONS]
)
def test_each_variation_is_read_whole(
    start_fleet: Callable[..., Fleet],
    venue_worker: StartWorker,
    variation: str,
    model: str,
    form: str,
) -> None:
    fleet = start_fleet(model, "ULXD4")
    apply_variations([Variation(variation, (0,))], fleet.receivers)

    odd, healthy = sync_both(fleet, venue_worker)

    assert (odd.request_form, healthy.request_form) == (form, "all")
    assert odd.last_sync_duration_ms is not None
    assert odd.last_sync_duration_ms < TIMEOUT * 1000 / 2  # never a wait for the timeout


def test_the_field_qlxd_without_get_0_all_and_model(
    start_fleet: Callable[..., Fleet], venue_worker: StartWorker
) -> None:
    fleet = start_fleet("QLXD4", "ULXD4")
    apply_variations(
        [Variation("no_all_channels", (0,)), Variation("no_model", (0,))], fleet.receivers
    )

    odd, _ = sync_both(fleet, venue_worker)

    assert odd.request_form == "all"


@pytest.mark.parametrize("model", ["ULXD4D", "SLXD4D"])
def test_a_receiver_without_get_all_is_asked_per_parameter_from_then_on(
    start_fleet: Callable[..., Fleet], venue_worker: StartWorker, model: str
) -> None:
    fleet = start_fleet(model, "ULXD4")
    simulated = fleet.receiver(0)
    simulated.configure(no_get_all=True)
    simulated.set_audio_gain(2, -6)
    slxd = simulated.family.key == "SLXD"
    if slxd:
        simulated.set_group_channel(2, 4, 12)
    venue, (odd, _) = register_fleet(fleet)
    with venue_worker(venue):
        dispatch(venue)
        synced_until(
            venue, [odd], lambda: Receiver.objects.get(pk=odd.pk).request_form == "param", "param"
        )
        simulated.recent_commands.clear()
        first_sync = Receiver.objects.get(pk=odd.pk).last_sync_at
        synced_until(
            venue,
            [odd],
            lambda: Receiver.objects.get(pk=odd.pk).last_sync_at != first_sync,
            what="another sync",
        )
    assert_values_landed(odd, simulated)
    later = [c for c in simulated.recent_commands if c.param == "ALL"]
    assert later == []  # the later polls asked the way that works
    channels = channels_of(odd)
    assert [c.audio_gain_db for c in channels] == [0, -6]  # AUDIO_GAIN 018 and 012
    assert [c.group_channel for c in channels] == ["", "4,12" if slxd else ""]


def test_a_lost_value_is_asked_for_again_not_waited_for(
    start_fleet: Callable[..., Fleet], venue_worker: StartWorker
) -> None:
    fleet = start_fleet("AD4Q", "ULXD4")
    fleet.receiver(0).configure(lose_value=True)

    odd, healthy = sync_both(fleet, venue_worker)

    assert odd.resent_requests == 1
    assert healthy.resent_requests == 0
    assert odd.last_sync_duration_ms is not None
    assert odd.last_sync_duration_ms < TIMEOUT * 1000 / 2


def test_samples_of_another_shape_are_skipped_and_counted(
    start_fleet: Callable[..., Fleet], venue_worker: StartWorker
) -> None:
    fleet = start_fleet("SLXD4D", "ULXD4")
    fleet.receiver(0).configure(odd_samples=True)

    odd, healthy = sync_both(fleet, venue_worker)

    assert odd.skipped_messages >= 1
    assert odd.last_skipped_message.startswith("malformed metering sample < SAMPLE 1 ALL XX >")
    assert (healthy.skipped_messages, healthy.last_skipped_message) == (0, "")


def test_an_unknown_model_fails_the_poll_and_keeps_the_stored_model(
    start_fleet: Callable[..., Fleet], venue_worker: StartWorker
) -> None:
    fleet = start_fleet("ULXD4Q", "ULXD4")
    fleet.receiver(0).configure(reported_model="ULXD9Z")
    venue, (odd, healthy) = register_fleet(fleet)
    with venue_worker(venue):
        dispatch(venue)
        synced_until(
            venue,
            [odd, healthy],
            lambda: statuses([odd, healthy]) == [ReceiverStatus.OFFLINE, ReceiverStatus.ONLINE],
            what="the odd receiver failed, the healthy one online",
        )
    odd.refresh_from_db()
    assert odd.model == "ULXD4Q"
    assert "reports model 'ULXD9Z', which is not a known ULX-D receiver" in odd.last_error
    assert f"127.0.0.1:{fleet.receiver(0).port}" in odd.last_error
