"""Time of one poll by the Shure driver, healthy and through each recovery path.

    .venv/bin/python bench/poll.py
    .venv/bin/python bench/poll.py --models ULXD4Q,SLXD4D --polls 200 --timeout 2

Starts the simulator in this process (loopback sockets, one receiver per model) and polls
each receiver ``--polls`` times through the driver, as a worker does, in each case:

- healthy: the ``GET n ALL`` form, everything arrives;
- fallback, first poll: a receiver without ``GET ALL``, asked with ``GET n ALL`` (the
  end marker's lone answer shows it, the poll goes on with single GETs);
- fallback, later polls: the same receiver asked per parameter, as remembered;
- lost value: one channel value dropped once, under each form (``GET ALL``: noticed at
  the end marker; per parameter: noticed after the quiet interval).

Prints median, 95th percentile and worst milliseconds per case; figures are printed,
never asserted (docs/performance.md records them).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from micboard.integrations.base import ReceiverSnapshot  # noqa: E402
from micboard.integrations.shure.driver import ShureDriver  # noqa: E402
from micboard.integrations.shure.fleet import Fleet  # noqa: E402
from micboard.integrations.shure.simulator import SimulatedReceiver  # noqa: E402
from micboard.integrations.shure.specs import receiver_spec  # noqa: E402

DEFAULT_MODELS = "ULXD4Q,QLXD4,SLXD4D,AD4Q"


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    switches: dict[str, bool]
    form: str
    before_each: dict[str, bool]


CASES = (
    Case("healthy", {}, "", {}),
    Case("no GET ALL, first poll", {"no_get_all": True}, "", {}),
    Case("no GET ALL, later polls", {"no_get_all": True}, "param", {}),
    Case("lost value, GET ALL form", {}, "", {"lose_value": True}),
    Case("lost value, per-parameter form", {}, "param", {"lose_value": True}),
)


def timed_polls(
    receiver: SimulatedReceiver, case: Case, polls: int, timeout: float
) -> tuple[list[float], ReceiverSnapshot]:
    driver = ShureDriver(receiver.family.protocol)
    address = receiver.address(timeout)
    receiver.configure(**{"no_get_all": False, **case.switches})
    poll: Callable[[], ReceiverSnapshot] = lambda: driver.poll(  # noqa: E731
        address, channels=receiver.channel_count, request_form=case.form
    )
    poll()  # warm
    times: list[float] = []
    snapshot = ReceiverSnapshot()
    for _ in range(polls):
        if case.before_each:
            receiver.configure(**case.before_each)
        started = time.perf_counter()
        snapshot = poll()
        times.append(1000 * (time.perf_counter() - started))
    return times, snapshot


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--models", default=DEFAULT_MODELS)
    parser.add_argument("--polls", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=2.0, help="device timeout, seconds")
    args = parser.parse_args()
    models = [m.strip().upper() for m in args.models.split(",") if m.strip()]
    specs = [receiver_spec(model, index) for index, model in enumerate(models)]
    print(f"{args.polls} polls per receiver and case, device timeout {args.timeout} s")
    print("| case | model | median ms | p95 ms | worst ms | form after | resent |")
    print("|---|---|---:|---:|---:|---|---:|")
    with Fleet(specs, battery_drain=0, seed=1) as fleet:
        for case in CASES:
            for receiver in fleet.receivers:
                times, last = timed_polls(receiver, case, args.polls, args.timeout)
                p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
                print(
                    f"| {case.name} | {receiver.model} | {statistics.median(times):.1f} "
                    f"| {p95:.1f} | {max(times):.1f} | {last.diagnostics.request_form} "
                    f"| {last.diagnostics.resent_requests} |"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
