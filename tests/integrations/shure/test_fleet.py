"""Fleet: receivers on OS-chosen ports each get an address of their own, TCP and UDP alike."""

from __future__ import annotations

import asyncio

from micboard.integrations.shure.fleet import Fleet, clashing
from micboard.integrations.shure.specs import receiver_spec
from tests.conftest import StartFleet


def test_clashing_names_every_repeat_after_the_first() -> None:
    assert clashing([5, 6, 5, 7, 6, 5]) == [2, 4, 5]
    assert clashing([]) == []


def test_a_udp_receiver_on_a_tcp_receivers_port_number_is_moved() -> None:
    fleet = Fleet([receiver_spec("ULXD4"), receiver_spec("UR4D", 1)], battery_drain=0.0)
    tcp, udp = fleet.receivers

    async def clash_then_separate() -> tuple[int, int]:
        await tcp.start("127.0.0.1", 0)
        await udp.start("127.0.0.1", tcp.port)  # the OS may hand out this pair on its own
        assert udp.port == tcp.port
        await fleet._give_each_its_own_port()  # the step Fleet.start runs after binding
        ports = (tcp.port, udp.port)
        await tcp.stop()
        await udp.stop()
        return ports

    tcp_port, udp_port = asyncio.run(clash_then_separate())
    assert tcp_port != udp_port


def test_a_mixed_fleet_on_os_ports_has_one_address_per_receiver(start_fleet: StartFleet) -> None:
    fleet = start_fleet(*["UR4D", "ULXD4Q"] * 50)
    ports = [receiver.port for receiver in fleet.receivers]
    assert len(set(ports)) == len(ports)
