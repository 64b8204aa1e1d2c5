"""Time and CPU of one poll by the Sennheiser SSC drivers, per family.

    .venv/bin/python bench/sennheiser_poll.py
    .venv/bin/python bench/sennheiser_poll.py --polls 500 --timeout 2
    .venv/bin/python bench/sennheiser_poll.py --sscv2   # EW-DX over SSC v2 (HTTPS)

Starts the Sennheiser simulator in its own process (one receiver per model, each at its own
loopback address) and polls each receiver ``--polls`` times through the registered driver,
as a worker does. Prints per family the median and 95th percentile milliseconds of a poll
and the driver's CPU per poll in this process (the simulator's CPU not included), and what
1,000 such receivers polled every 5 s would cost in CPU cores. With ``--sscv2`` the EW-DX
receivers serve SSC v2 and are polled over HTTPS (a TLS handshake per poll). Figures are
printed, never asserted (docs/performance.md records them).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from micboard.exceptions import DeviceError  # noqa: E402
from micboard.integrations.base import DeviceAddress  # noqa: E402
from micboard.integrations.registry import default_registry  # noqa: E402
from micboard.integrations.sennheiser.families import SSCV2_PROTOCOL, speaks_sscv2  # noqa: E402

DEFAULT_MODELS = "SLRDW,SL-MCR-4-DW,EM6000,EW-DX-EM-4-DANTE"
PASSWORD = "Bench-EWDX-Pass-1"  # noqa: S105 - the simulated receivers' own
FLEET, INTERVAL = 1_000, 5.0


def main() -> int:
    parse = argparse.ArgumentParser()
    parse.add_argument("--models", default=DEFAULT_MODELS)
    parse.add_argument("--polls", type=int, default=200)
    parse.add_argument("--timeout", type=float, default=2.0)
    parse.add_argument("--sscv2", action="store_true", help="EW-DX over SSC v2 (HTTPS)")
    options = parse.parse_args()
    models = options.models.split(",")
    base = f"127.{random.randrange(1, 255)}.{random.randrange(0, 255)}"
    first = random.randrange(2, 250 - len(models))
    hosts = [f"{base}.{first + i}" for i in range(len(models))]
    port = random.randrange(20_000, 60_000)
    simulator = subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, "-m", "micboard.integrations.sennheiser.simulator", "--models",
         options.models, "--hosts", hosts[0], "--port", str(port), "--battery-drain", "0",
         *(["--sscv2", "--sscv2-password", PASSWORD] if options.sscv2 else [])],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert simulator.stdout is not None
        for _ in models:
            simulator.stdout.readline()  # "<model> at <host>:<port>": listening
        print("| model | polls | median ms | p95 ms | CPU ms/poll | cores, 1,000 at 5 s |")
        print("|---|---:|---:|---:|---:|---:|")
        for model, host in zip(models, hosts, strict=True):
            address = DeviceAddress(host, port, options.timeout, password=PASSWORD)
            print(row(model, address, options.polls, sscv2=options.sscv2))
    finally:
        simulator.terminate()
        simulator.wait(timeout=10)
    return 0


def row(model: str, address: DeviceAddress, polls: int, *, sscv2: bool = False) -> str:
    registry = default_registry()
    description = registry.describe(model)
    assert description is not None
    protocol = SSCV2_PROTOCOL if sscv2 and speaks_sscv2(model) else description.protocol
    driver = registry.get(protocol)
    model = f"{model} (SSC v2)" if protocol == SSCV2_PROTOCOL else model
    times: list[float] = []
    cpu_started = time.process_time()
    for _ in range(polls):
        started = time.perf_counter()
        try:
            driver.poll(address, channels=description.channels)
        except DeviceError as error:
            return f"| {model} | failed: {error} | | | | |"
        times.append((time.perf_counter() - started) * 1000)
    cpu_ms = (time.process_time() - cpu_started) * 1000 / polls
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
    cores = FLEET / INTERVAL * cpu_ms / 1000
    return (
        f"| {model} | {polls} | {statistics.median(times):.2f} | {p95:.2f} | {cpu_ms:.2f} "
        f"| {cores:.2f} |"
    )


if __name__ == "__main__":
    raise SystemExit(main())
