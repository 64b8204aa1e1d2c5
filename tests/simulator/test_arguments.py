"""The address options of the command line: ``--hosts``/``--port`` and their errors."""

from __future__ import annotations

import errno
import json
import signal

import pytest

from micboard.integrations.base import DeviceAddress
from micboard.integrations.sennheiser.driver import SennheiserDriver
from micboard.integrations.sennheiser.families import EW_DX
from micboard.integrations.shure.driver import ShureDriver
from micboard.simulator.__main__ import main
from micboard.simulator.addresses import HostRange
from tests.loopback import on_free_hosts
from tests.simulator.test_cli import Simulator


def test_each_receiver_listens_on_its_own_address_at_one_port() -> None:
    def start(hosts: HostRange) -> tuple[Simulator, list[dict[str, object]]]:
        argv = ("--families", "all", "--hosts", str(hosts), "--port", "2202", "--json")
        simulator = Simulator(*argv)
        try:
            return simulator, [json.loads(line) for line in simulator.lines(16)]
        except AssertionError as error:  # the process ended: was an address taken?
            simulator.kill()
            if "Address already in use" in str(error):
                raise OSError(errno.EADDRINUSE, str(error)) from None
            raise

    simulator, receivers = on_free_hosts(16, start)
    try:
        assert len({r["host"] for r in receivers}) == 16
        assert {r["port"] for r in receivers} == {2202}
        uhfr = next(r for r in receivers if r["model"] == "UR4D")
        assert uhfr["transport"] == "udp"
        snapshot = ShureDriver("shure-uhfr").poll(
            DeviceAddress(str(uhfr["host"]), 2202, 2.0), channels=2
        )
        assert snapshot.model == "UR4D"
        ewdx = next(r for r in receivers if r["model"] == "EW-DX-EM-4-DANTE")
        assert (ewdx["transport"], ewdx["family"]) == ("udp", "Evolution Wireless Digital EW-DX")
        ssc = SennheiserDriver(EW_DX).poll(DeviceAddress(str(ewdx["host"]), 2202, 2.0), channels=4)
        assert ssc.device_id == ewdx["device_id"]
        assert simulator.stop(signal.SIGTERM) == 0
    finally:
        simulator.kill()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--hosts", "127.0.0.2-127.0.0.9", "--count", "9"], "holds 8 addresses"),
        (["--hosts", "127.0.0.2", "--base-port", "24000"], "--hosts gives each receiver"),
        (["--hosts", "127.0.0.2", "--host", "127.0.0.1"], "--host and --base-port put them"),
        (["--port", "2202"], "--port is the port of each receiver's own address"),
        (["--hosts", "127.0.0.300"], "argument --hosts: '127.0.0.300' is not an IPv4 address"),
        (["--hosts", "127.0.0.2", "--port", "0"], "argument --port: port 0 is not 1-65535"),
    ],
)
def test_bad_address_options_are_usage_errors(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(args)

    assert caught.value.code == 2
    assert message in capsys.readouterr().err
