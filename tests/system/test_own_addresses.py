"""A real worker polls receivers that each listen on their own loopback address at 2202."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from micboard.integrations.shure.fleet import Fleet
from micboard.models import Channel, Receiver, ReceiverStatus
from micboard.simulator.addresses import DEVICE_PORT, HostRange, assign_addresses
from micboard.simulator.demo import SHURE_FAMILIES_MODELS, specs_for_models
from micboard.workers.celery import app
from tests.factories import make_receiver, make_venue
from tests.loopback import on_free_hosts
from tests.system.conftest import StartWorker
from tests.waiting import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.system]


@pytest.fixture
def lan_fleet() -> Iterator[Fleet]:
    """One receiver of every Shure family, each on its own random 127.N.M.K at port 2202."""
    specs = specs_for_models(SHURE_FAMILIES_MODELS, len(SHURE_FAMILIES_MODELS))

    def start(hosts: HostRange) -> Fleet:
        fleet = Fleet(specs, addresses=assign_addresses(hosts, len(specs)), battery_drain=0, seed=3)
        fleet.start(timeout=10)
        return fleet

    fleet = on_free_hosts(len(specs), start)
    yield fleet
    fleet.stop(timeout=10)


def test_a_worker_polls_receivers_on_their_own_addresses_into_the_database(
    lan_fleet: Fleet, venue_worker: StartWorker
) -> None:
    venue = make_venue()
    receivers = [
        make_receiver(venue, host=sim.host, port=sim.port, model=sim.model, poll_interval=1)
        for sim in lan_fleet.receivers
    ]
    assert {r.port for r in receivers} == {DEVICE_PORT}
    assert len({r.host for r in receivers}) == len(receivers)

    def all_online() -> bool:
        app.send_task(
            "micboard.dispatch_due_syncs",
            args=[venue.pk],
            queue=venue.queue_name,
            routing_key=venue.queue_name,
        )
        statuses = Receiver.objects.filter(venue=venue).values_list("status", flat=True)
        return set(statuses) == {ReceiverStatus.ONLINE}

    with venue_worker(venue):
        wait_for(all_online, timeout=30, interval=0.5, what="every receiver online")

    for receiver, simulated in zip(receivers, lan_fleet.receivers, strict=True):
        receiver.refresh_from_db()
        assert (receiver.host, receiver.model) == (simulated.host, simulated.model)
        assert receiver.device_id == simulated.spec.device_id
        channels = Channel.objects.filter(receiver=receiver).order_by("number")
        assert [(c.name, c.frequency_khz) for c in channels] == [
            (spec.name, spec.frequency_khz) for spec in simulated.spec.channels
        ]
