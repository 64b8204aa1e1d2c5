"""``python -m micboard.simulator`` as a real process, and the demo venue it serves."""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from micboard.integrations.base import DeviceAddress
from micboard.integrations.shure.driver import ShureDriver
from micboard.integrations.shure.families import receiver_model
from micboard.simulator import DEMO_MODELS, demo_models, demo_specs, specs_for_models
from micboard.simulator.__main__ import main
from micboard.simulator.demo import is_sennheiser
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 20.0
EXIT_TIMEOUT = 10.0


class Simulator:
    """The CLI in a child process, its stdout read line by line with bounded waits."""

    def __init__(self, *args: str) -> None:
        env = os.environ | {"PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command, no shell
            [sys.executable, "-m", "micboard.simulator", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._lines: queue.Queue[str] = queue.Queue()
        assert self.process.stdout is not None
        threading.Thread(target=self._pump, args=(self.process.stdout,), daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self._lines.put(line.rstrip("\n"))

    def lines(self, count: int) -> list[str]:
        try:
            return [self._lines.get(timeout=START_TIMEOUT) for _ in range(count)]
        except queue.Empty:
            self.process.kill()
            _, errors = self.process.communicate(timeout=EXIT_TIMEOUT)
            raise AssertionError(f"simulator printed too little; stderr: {errors}") from None

    def stop(self, signum: signal.Signals) -> int:
        self.process.send_signal(signum)
        return self.process.wait(timeout=EXIT_TIMEOUT)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate(timeout=EXIT_TIMEOUT)


@pytest.fixture
def run() -> Iterator[type[Simulator]]:
    started: list[Simulator] = []

    class Tracked(Simulator):
        def __init__(self, *args: str) -> None:
            super().__init__(*args)
            started.append(self)

    yield Tracked
    for simulator in started:
        simulator.kill()


def test_serves_receivers_until_sigint(run: type[Simulator]) -> None:
    simulator = run("--count", "3", "--json", "--base-port", "0", "--seed", "1")

    receivers = [json.loads(line) for line in simulator.lines(3)]

    assert [r["model"] for r in receivers] == list(DEMO_MODELS[:3])
    assert [r["channels"] for r in receivers] == [4, 2, 2]
    assert len({r["port"] for r in receivers}) == 3
    first = receivers[0]
    snapshot = ShureDriver("shure-tcp").poll(
        DeviceAddress(first["host"], first["port"], 2.0), channels=first["channels"]
    )
    assert snapshot.model == "ULXD4Q"
    assert snapshot.device_id == first["device_id"]
    assert simulator.stop(signal.SIGINT) == 0


def test_models_round_robin_in_text_and_sigterm(run: type[Simulator]) -> None:
    simulator = run("--count", "3", "--models", "qlxd4,ULXD4D", "--drain", "0")

    lines = simulator.lines(3)

    assert [line.split()[0] for line in lines] == ["QLXD4", "ULXD4D", "QLXD4"]
    assert all("127.0.0.1:" in line for line in lines)
    assert simulator.stop(signal.SIGTERM) == 0


def test_rejects_an_unknown_model(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--models", "ULXD4,XLR9"])

    assert caught.value.code == 2
    assert "unknown Shure receiver model 'XLR9'" in capsys.readouterr().err


def test_a_taken_port_is_reported_with_exit_status_1(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()

        status = main(["--count", "1", "--base-port", str(taken.getsockname()[1])])

    assert status == 1
    assert "cannot start the simulator" in capsys.readouterr().err


def test_demo_specs_mix_families_and_channel_counts_deterministically() -> None:
    specs = demo_specs()

    assert demo_models() == list(DEMO_MODELS)
    assert [spec.model for spec in specs] == [m for m in DEMO_MODELS if not is_sennheiser(m)]
    assert {is_sennheiser(m) for m in DEMO_MODELS} == {True, False}
    assert {receiver_model(spec.model).family.name for spec in specs} == {"ULX-D", "QLX-D"}
    assert {len(spec.channels) for spec in specs} == {1, 2, 4}
    channels = [channel for spec in specs for channel in spec.channels]
    assert len({channel.name for channel in channels}) == len(channels)
    assert len({channel.frequency_khz for channel in channels}) == len(channels)
    assert all(470_000 <= channel.frequency_khz <= 636_875 for channel in channels)
    assert demo_specs() == specs
    assert demo_specs(4) == specs[:3]  # the third receiver is an EW-DX


def test_specs_for_models_assigns_models_round_robin() -> None:
    assert [spec.model for spec in specs_for_models(["ULXD4", "QLXD4"], 3)] == [
        "ULXD4",
        "QLXD4",
        "ULXD4",
    ]


def test_every_family_with_a_scenario_file(run: type[Simulator], tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "fleet: {count: 6, seed: 2}\n"
        "events:\n  - {scenario: rename, receivers: UR4D, channel: 1, name: HH77 Solo}\n",
        encoding="utf-8",
    )
    simulator = run("--families", "all", "--scenario", str(plan), "--json")

    receivers = [json.loads(line) for line in simulator.lines(6)]

    assert {r["family"] for r in receivers} == {
        "ULX-D", "QLX-D", "SLX-D", "Axient Digital", "UHF-R", "PSM1000",
    }  # fmt: skip
    (uhfr,) = [r for r in receivers if r["model"] == "UR4D"]
    assert uhfr["transport"] == "udp"
    address = DeviceAddress(uhfr["host"], uhfr["port"], 2.0)
    wait_for(
        lambda: ShureDriver("shure-uhfr").poll(address, channels=2).channels[0].name == "HH77 Solo",
        timeout=5,
        what="the scenario's rename",
    )
    assert simulator.stop(signal.SIGTERM) == 0


def test_a_bad_scenario_is_refused_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("events:\n  - scenario: offline\n    at: later\n", encoding="utf-8")

    with pytest.raises(SystemExit) as caught:
        main(["--scenario", str(plan)])

    assert caught.value.code == 2
    assert "plan.yaml line 3: events[0].at: 'later' is not a duration" in capsys.readouterr().err
