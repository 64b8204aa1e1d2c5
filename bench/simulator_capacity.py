"""Simulator capacity: how many receivers one simulator process holds, and what they cost.

    .venv/bin/python bench/simulator_capacity.py --series 1000,5000,10000
    .venv/bin/python bench/simulator_capacity.py --series 10000 --one-host

For each N, starts ``python -m micboard.simulator --count N --json`` with every Shure
family's models (``SHURE_FAMILIES_MODELS``), every receiver on its own loopback address at
port 2202 (a random 127.N.M.K block), or with ``--one-host`` all of them on 127.0.0.1 at
ports the OS picks. Then measures the start (from launch until every receiver listens), the
process's open files and resident memory, its CPU while nobody talks to it (the 1 s ticks
that move meters and drain batteries), and the poll time of a sample of receivers through
the real driver. Prints one table; figures are recorded in docs/performance.md with this
command.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from ipaddress import IPv4Address
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from micboard.integrations.base import DeviceAddress  # noqa: E402
from micboard.integrations.shure.driver import ShureDriver  # noqa: E402
from micboard.integrations.shure.families import receiver_model  # noqa: E402
from micboard.simulator.demo import SHURE_FAMILIES_MODELS  # noqa: E402

START_TIMEOUT = 300.0


@dataclass
class Row:
    receivers: int
    placement: str
    start_s: float
    open_files: int
    rss_mib: float
    idle_cpu: float
    poll_p50_ms: float
    poll_max_ms: float
    polled: int


def measure(count: int, *, one_host: bool, idle_seconds: float, polls: int) -> Row:
    command = [sys.executable, "-m", "micboard.simulator", "--count", str(count)]
    command += ["--models", ",".join(SHURE_FAMILIES_MODELS), "--json", "--drain", "0"]
    if not one_host:
        first = IPv4Address("127.1.0.0") + random.randrange(0, 250 * 65536 - count)
        command += ["--hosts", str(first)]
    started = time.monotonic()
    child = subprocess.Popen(  # noqa: S603 - a fixed command
        command,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stderr is not None
        receivers = [json.loads(child.stdout.readline()) for _ in range(count)]
        ready = child.stderr.readline()
        if "simulating" not in ready:
            raise SystemExit(f"the simulator did not start: {ready}{child.stderr.read()}")
        start_s = time.monotonic() - started
        process = psutil.Process(child.pid)
        cpu_before = sum(process.cpu_times()[:2])
        time.sleep(idle_seconds)
        idle_cpu = (sum(process.cpu_times()[:2]) - cpu_before) / idle_seconds
        times = [_poll(receiver) for receiver in random.sample(receivers, min(polls, count))]
        return Row(
            receivers=count,
            placement="127.0.0.1, OS ports" if one_host else "own address, port 2202",
            start_s=start_s,
            open_files=process.num_fds(),
            rss_mib=process.memory_info().rss / 2**20,
            idle_cpu=idle_cpu,
            poll_p50_ms=statistics.median(times) * 1000,
            poll_max_ms=max(times) * 1000,
            polled=len(times),
        )
    finally:
        child.terminate()
        child.wait(timeout=60)


def _poll(receiver: dict[str, object]) -> float:
    model = receiver_model(str(receiver["model"]))
    driver = ShureDriver(model.family.protocol)
    address = DeviceAddress(str(receiver["host"]), int(str(receiver["port"])), 5.0)
    began = time.perf_counter()
    snapshot = driver.poll(address, channels=model.channels)
    elapsed = time.perf_counter() - began
    if snapshot.device_id != receiver["device_id"]:
        raise SystemExit(f"{receiver} answered as {snapshot.device_id}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", default="1000,5000,10000", help="receiver counts")
    parser.add_argument("--one-host", action="store_true", help="every receiver on 127.0.0.1")
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle CPU measured")
    parser.add_argument("--polls", type=int, default=50, help="receivers polled, at random")
    args = parser.parse_args()
    rows = [
        measure(int(n), one_host=args.one_host, idle_seconds=args.idle, polls=args.polls)
        for n in args.series.split(",")
    ]
    print(
        "| receivers | placement | start | open files | memory (RSS) | idle CPU | poll p50 / max |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r.receivers:,} | {r.placement} | {r.start_s:.1f} s | {r.open_files:,} | "
            f"{r.rss_mib:.0f} MiB | {r.idle_cpu:.0%} of a core | "
            f"{r.poll_p50_ms:.1f} / {r.poll_max_ms:.1f} ms ({r.polled} polls) |"
        )


if __name__ == "__main__":
    main()
