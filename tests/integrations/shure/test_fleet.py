"""Fleet: every receiver gets an address of its own, on one host or each on its own.

On one host each has its own port, TCP and UDP alike; on its own loopback address, each
listens at the device port.
"""

from __future__ import annotations

import asyncio
import errno
import socket

import pytest

from micboard.integrations.shure.driver import ShureDriver
from micboard.integrations.shure.fleet import Fleet
from micboard.integrations.shure.simulator.ports import hold_udp_port
from micboard.integrations.shure.specs import receiver_spec
from micboard.simulator import SHURE_FAMILIES_MODELS, specs_for_models
from micboard.simulator.addresses import DEVICE_PORT, HostRange, assign_addresses
from tests.conftest import StartFleet
from tests.loopback import on_free_hosts

LARGE_FLEET = 3000


def test_a_udp_receiver_on_a_tcp_receivers_port_number_is_moved() -> None:
    fleet = Fleet([receiver_spec("ULXD4"), receiver_spec("UR4D", 1)], battery_drain=0.0)
    tcp, udp = fleet.receivers

    async def clash_then_separate() -> tuple[int, int, int]:
        await tcp.start("127.0.0.1", 0)
        await udp.start("127.0.0.1", tcp.port)  # the OS may hand out this pair on its own
        clashed = udp.port
        await fleet._separate_udp_ports()  # the step Fleet.start runs after binding
        ports = (clashed, tcp.port, udp.port)
        await tcp.stop()
        await udp.stop()
        return ports

    clashed, tcp_port, udp_port = asyncio.run(clash_then_separate())
    assert clashed == tcp_port
    assert udp_port != tcp_port


def test_a_held_port_is_never_handed_out() -> None:
    with socket.socket(type=socket.SOCK_DGRAM) as first:
        first.bind(("127.0.0.1", 0))
        port = int(first.getsockname()[1])
        assert hold_udp_port("127.0.0.1", port) == []  # already held: nothing to add
    (held,) = hold_udp_port("127.0.0.1", port)
    with (
        held,
        socket.socket(type=socket.SOCK_DGRAM) as other,
        pytest.raises(OSError, match="in use"),
    ):
        other.bind(("127.0.0.1", port))


def test_an_address_list_must_match_the_receivers_and_never_repeat() -> None:
    specs = [receiver_spec("ULXD4"), receiver_spec("UR4D", 1)]
    with pytest.raises(ValueError, match="1 addresses for 2 receivers"):
        Fleet(specs, addresses=[("127.0.0.2", 2202)])
    with pytest.raises(ValueError, match=r"receivers 0 and 1 both listen on 127.0.0.2:2202"):
        Fleet(specs, addresses=[("127.0.0.2", 2202)] * 2)
    with pytest.raises(ValueError, match="receiver 1: port 0 is not 1-65535"):
        Fleet(specs, addresses=[("127.0.0.2", 2202), ("127.0.0.3", 0)])


def test_receivers_on_their_own_loopback_addresses_answer_at_one_port() -> None:
    models = ["ULXD4Q", "UR4D", "AD4D", "SLXD4", "P10T", "QLXD4"]
    specs = [receiver_spec(model, index) for index, model in enumerate(models)]

    def start(hosts: HostRange) -> Fleet:
        fleet = Fleet(specs, addresses=assign_addresses(hosts, len(specs)), battery_drain=0)
        fleet.start(timeout=10)
        return fleet

    fleet = on_free_hosts(len(specs), start)
    try:
        hosts = [receiver.host for receiver in fleet.receivers]
        assert len(set(hosts)) == len(models)
        assert {receiver.port for receiver in fleet.receivers} == {DEVICE_PORT}
        for receiver in fleet.receivers:
            driver = ShureDriver(receiver.family.protocol)
            snapshot = driver.poll(receiver.address(), channels=receiver.channel_count)
            assert snapshot.model == receiver.model
    finally:
        fleet.stop(timeout=10)


def test_an_address_in_use_fails_the_start_naming_it() -> None:
    def occupy_then_start(hosts: HostRange) -> str:
        addresses = assign_addresses(hosts, 2)
        with socket.socket() as taken:
            taken.bind(addresses[1])  # raises EADDRINUSE itself when another run has it
            fleet = Fleet([receiver_spec("ULXD4"), receiver_spec("QLXD4", 1)], addresses=addresses)
            with pytest.raises(OSError, match="cannot listen on") as raised:
                fleet.start(timeout=10)
        assert raised.value.errno == errno.EADDRINUSE
        return str(raised.value)

    message = on_free_hosts(2, occupy_then_start)
    assert f":{DEVICE_PORT} (tcp): " in message


def test_an_address_not_on_this_machine_says_so() -> None:
    fleet = Fleet([receiver_spec("ULXD4")], addresses=[("192.0.2.1", DEVICE_PORT)])
    with pytest.raises(OSError, match=r"192.0.2.1:2202 \(tcp\).*not on this machine"):
        fleet.start(timeout=10)


def test_a_mixed_fleet_on_os_ports_has_one_address_per_receiver(start_fleet: StartFleet) -> None:
    fleet = start_fleet(*["UR4D", "ULXD4Q"] * 50)
    ports = [receiver.port for receiver in fleet.receivers]
    assert len(set(ports)) == len(ports)


@pytest.mark.parametrize("own_addresses", [True, False], ids=["own addresses", "one host"])
def test_a_few_thousand_receivers_start_each_on_an_address_of_its_own(
    own_addresses: bool,
) -> None:
    specs = specs_for_models(SHURE_FAMILIES_MODELS, LARGE_FLEET)  # one in six: a UDP UHF-R

    def start(hosts: HostRange | None) -> Fleet:
        addresses = assign_addresses(hosts, len(specs)) if hosts else None
        fleet = Fleet(specs, addresses=addresses, battery_drain=0, seed=1)
        fleet.start(timeout=60)
        return fleet

    fleet = on_free_hosts(LARGE_FLEET, start) if own_addresses else start(None)
    try:
        addresses = {(r.host, r.port) for r in fleet.receivers}
        assert len(addresses) == LARGE_FLEET
        last_udp = next(r for r in reversed(fleet.receivers) if r.family.transport.value == "udp")
        for receiver in (fleet.receivers[-1], last_udp):
            driver = ShureDriver(receiver.family.protocol)
            snapshot = driver.poll(receiver.address(), channels=receiver.channel_count)
            assert snapshot.device_id == receiver.spec.device_id
    finally:
        fleet.stop(timeout=30)
