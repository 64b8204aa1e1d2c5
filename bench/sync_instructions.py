"""Instructions per sync and per dispatched receiver, counted by callgrind.

    .venv/bin/python bench/sync_instructions.py --receivers 100 --rounds 2 --alerts both

A count of instructions does not change with what else the machine runs, so two versions
of the code compare on a busy machine where CPU seconds do not. The script runs itself
under ``valgrind --tool=callgrind`` with instrumentation off, starts the simulator (not
instrumented) with N receivers, registers them and syncs each once in batches, as a worker
does; then it counts R more rounds of batched syncs (their polling threads included), and
in another run R dispatches of the whole fleet made due. Prints millions of instructions
per sync (alert evaluation on, off or both) and per dispatched receiver; figures are
printed, never asserted. Needs valgrind (``apt-get install valgrind``); a device timeout
of 30 s keeps the slowed client within it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fleet import (  # noqa: E402
    DEFAULT_DATABASE,
    DEFAULT_MODELS,
    prepare_environment,
    processes,
    register,
    start_simulator,
)

OUT_DIR = ROOT / "var" / "bench" / "sync-instructions"
# callgrind_control's requests reach the run at its next check: wait them out.
SETTLE_SECONDS = 2.0


def instrument(on: bool) -> None:
    command = ["callgrind_control", "--instr=" + ("on" if on else "off"), str(os.getpid())]
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603
    time.sleep(SETTLE_SECONDS)


def measured(args: argparse.Namespace) -> None:
    """The instrumented run: set up uncounted, then count one phase."""
    os.environ["MICBOARD_ALERTS_ENABLED"] = "true" if args.alerts == "on" else "false"
    os.environ["MICBOARD_POLL_CONCURRENCY"] = str(args.poll_concurrency)
    os.environ["MICBOARD_DEVICE_TIMEOUT"] = "30"
    # No telemetry rows after the first polls: how many fall due would depend on how long
    # the slowed run takes, and the count with it.
    os.environ["MICBOARD_TELEMETRY_INTERVAL"] = "3600"
    prepare_environment(args.database_url)
    import django  # noqa: PLC0415

    django.setup()
    import redis  # noqa: PLC0415
    from django.conf import settings  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415

    from micboard.composition import sync_service  # noqa: PLC0415
    from micboard.models import Receiver  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    with processes(OUT_DIR / "run") as group:
        ports = start_simulator(group, args.receivers, args.models, silent=[])
        venue = register(ports, args.models.split(","), interval=5)
        ids = list(Receiver.objects.filter(venue=venue).values_list("pk", flat=True))
        service = sync_service()
        size = args.batch_size
        batches = [ids[i : i + size] for i in range(0, len(ids), size)]
        for batch in batches:  # the first polls create the channels
            service.receivers_sync(receiver_ids=batch)
        broker = redis.Redis.from_url(settings.REDIS_URL)
        for _ in range(args.rounds):
            if args.phase == "sync":
                instrument(on=True)
                for batch in batches:
                    service.receivers_sync(receiver_ids=batch)
            else:
                Receiver.objects.filter(venue=venue).update(next_sync_at=timezone.now())
                instrument(on=True)
                service.venue_dispatch(venue_id=venue.pk)
            instrument(on=False)
            # Nothing consumes the queued syncs: drop them (this queue only).
            for key in broker.scan_iter(match=f"{venue.queue_name}*"):
                broker.delete(key)


def count(args: argparse.Namespace, phase: str) -> float:
    """Millions of instructions per sync (or per dispatched receiver) of one phase."""
    out = OUT_DIR / f"callgrind.{phase}.alerts-{args.alerts}.out"
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    command = [
        "valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
        sys.executable, __file__, "--measured", "--phase", phase, "--alerts", args.alerts,
        "--receivers", str(args.receivers), "--rounds", str(args.rounds),
        "--batch-size", str(args.batch_size), "--poll-concurrency", str(args.poll_concurrency),
        "--models", args.models, "--database-url", args.database_url,
    ]  # fmt: skip
    log = OUT_DIR / f"valgrind.{phase}.alerts-{args.alerts}.log"
    with log.open("w") as sink:
        code = subprocess.call(command, stdout=sink, stderr=subprocess.STDOUT)  # noqa: S603
    if code:
        raise SystemExit(f"the instrumented run failed ({code}): see {log}")
    totals = [line for line in out.read_text().splitlines() if line.startswith("totals:")]
    return int(totals[-1].split()[1]) / (args.receivers * args.rounds) / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--receivers", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=20)
    parser.add_argument("--poll-concurrency", type=int, default=10)
    parser.add_argument("--models", default=DEFAULT_MODELS)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--alerts", choices=["on", "off", "both"], default="both")
    parser.add_argument("--phase", choices=["sync", "dispatch"], default="sync")
    parser.add_argument("--measured", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measured:
        measured(args)
        return 0
    print(f"command: {' '.join(sys.argv)}")
    modes = ("on", "off") if args.alerts == "both" else (args.alerts,)
    for mode in modes:
        args.alerts = mode
        print(f"| sync, alert evaluation {mode:<3} | {count(args, 'sync'):6.2f} M instructions |")
    print(f"| dispatch, per receiver     | {count(args, 'dispatch'):6.3f} M instructions |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
