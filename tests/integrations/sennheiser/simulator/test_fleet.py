"""Simulated Sennheiser receivers at their own loopback addresses, from Python and the CLI."""

from __future__ import annotations

import random
import threading

import pytest

from micboard.integrations.base import DeviceAddress
from micboard.integrations.registry import default_registry
from micboard.integrations.sennheiser.simulator.__main__ import main
from micboard.integrations.sennheiser.simulator.fleet import SennheiserFleet
from tests.ports import free_port
from tests.waiting import wait_for


def own_hosts(count: int) -> list[str]:
    """``count`` consecutive 127.N.M.K addresses drawn at random for this run."""
    base = f"127.{random.randrange(1, 255)}.{random.randrange(0, 255)}"
    first = random.randrange(2, 250 - count)
    return [f"{base}.{first + i}" for i in range(count)]


def poll(model: str, host: str, port: int) -> int:
    description = default_registry().describe(model)
    assert description is not None
    driver = default_registry().get(description.protocol)
    snapshot = driver.poll(DeviceAddress(host, port, 2.0), channels=description.channels)
    return len(snapshot.channels)


def test_each_receiver_answers_at_its_own_address() -> None:
    hosts, port = own_hosts(2), free_port()
    models = ["EW-DX-EM-4-DANTE", "EM6000"]
    with SennheiserFleet(models, [(h, port) for h in hosts], battery_drain=0):
        assert [poll(m, h, port) for m, h in zip(models, hosts, strict=True)] == [4, 2]


def test_batteries_drain_on_every_tick() -> None:
    host, port = own_hosts(1)[0], free_port()
    with SennheiserFleet(["SLRDW"], [(host, port)], tick_interval=0.05, battery_drain=30) as fleet:
        channel = fleet.receivers[0].channels[0]
        wait_for(lambda: channel.battery_percent <= 60, timeout=5, what="the battery to drain")


def test_a_taken_address_is_named() -> None:
    host, port = own_hosts(1)[0], free_port()
    with SennheiserFleet(["SLRDW"], [(host, port)], battery_drain=0):
        second = SennheiserFleet(["SLRDW"], [(host, port)], battery_drain=0)
        with pytest.raises(OSError, match=f"cannot listen at {host}:{port}"):
            second.start()


def test_the_command_line_runs_receivers_until_it_exits() -> None:
    hosts, port = own_hosts(2), free_port()
    argv = ["--models", "SL-MCR-2-DW,EW-DX-EM-2", "--hosts", hosts[0], "--port", str(port)]
    runner = threading.Thread(target=main, args=([*argv, "--exit-after", "3"],))
    runner.start()
    try:
        wait_for(lambda: _answers("SL-MCR-2-DW", hosts[0], port), timeout=3, what="the simulator")
        assert poll("EW-DX-EM-2", hosts[1], port) == 2
    finally:
        runner.join(timeout=10)


def _answers(model: str, host: str, port: int) -> bool:
    try:
        return poll(model, host, port) == 2
    except OSError:
        return False
    except Exception:
        return False


@pytest.mark.parametrize(
    "argv",
    [
        ["--models", "XLR9"],
        ["--models", "EM6000", "--hosts", "nowhere"],
        ["--models", "EM6000", "--port", "0"],
    ],
)
def test_bad_arguments_are_refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_ewdx_serves_ssc_v2_at_its_own_address_beside_a_udp_receiver() -> None:
    hosts, port = own_hosts(2), free_port()
    models = ["EW-DX-EM-2", "EM6000"]
    fleet = SennheiserFleet(
        models, [(h, port) for h in hosts], battery_drain=0, sscv2=True, sscv2_password="Pw-1"
    )
    with fleet:
        ewdx, em6000 = fleet.receivers
        assert (ewdx.transport, ewdx.protocol, em6000.transport) == (
            "https",
            "sennheiser-sscv2-ewdx",
            "udp",
        )
        driver = default_registry().get("sennheiser-sscv2-ewdx")
        address = DeviceAddress(hosts[0], port, 2.0, password="Pw-1")
        snapshot = driver.poll(address, channels=2)
        assert snapshot.diagnostics.certificate
        assert poll("EM6000", hosts[1], port) == 2
