"""CPU of a sync without Celery: one receiver per call against batches, optionally profiled.

    .venv/bin/python bench/sync_profile.py --receivers 200 --batch-size 20
    .venv/bin/python bench/sync_profile.py --receivers 200 --batch-size 20 --profile batch
    .venv/bin/python bench/sync_profile.py --receivers 200 --batch-size 20 --alerts both
    .venv/bin/python bench/sync_profile.py --receivers 1000 --models mixed --by-family

Starts the simulator with N receivers, registers them in this machine's PostgreSQL (the
fleet benchmark's database, or DATABASE_URL) and calls the sync service in this process:
every receiver once alone, then in batches. Prints wall and CPU milliseconds per sync (CPU
includes the polling threads, not the simulator's process), with alert evaluation on, off
or both (one process each), and with ``--profile`` pyinstrument's call tree of one mode.
``--by-family`` syncs the batches of one family at a time instead and prints, per family
and per vendor, the CPU per sync and the CPU cores that 1,000 such receivers synced every
5 s take; ``--models mixed`` is every Shure and Sennheiser family. CPU time is what stays
comparable on a machine other work shares.
Figures are printed, never asserted; docs/performance.md records them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

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

MIXED_MODELS = f"{DEFAULT_MODELS},EW-DX-EM-4-DANTE,SL-MCR-4-DW,EM6000,SLRDW"
"""Every Shure and Sennheiser family, the 4-channel model where the family has one."""
FLEET, INTERVAL = 1_000, 5.0


def per_sync(run: Callable[[], None], syncs: int, rounds: int) -> tuple[float, float]:
    """Wall and CPU milliseconds per sync over ``rounds`` runs of ``syncs`` syncs each."""
    run()  # warm: connections, prepared statements, first-poll channel rows
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        run()
    count = syncs * rounds
    return (
        1000 * (time.perf_counter() - wall) / count,
        1000 * (time.process_time() - cpu) / count,
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--receivers", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=20)
    parser.add_argument("--poll-concurrency", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--models", default=DEFAULT_MODELS, help="comma-separated, or mixed")
    parser.add_argument("--by-family", action="store_true", help="CPU per sync by family")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--profile", choices=["alone", "batch"], help="print a call tree")
    parser.add_argument(
        "--alerts",
        choices=["on", "off", "both"],
        default="on",
        help="alert evaluation after each batch write; both: a run with it on, then off",
    )
    args = parser.parse_args()
    if args.alerts == "both":
        return each_alert_mode()
    os.environ["MICBOARD_ALERTS_ENABLED"] = "true" if args.alerts == "on" else "false"
    if args.models == "mixed":
        args.models = MIXED_MODELS
    prepare_environment(args.database_url)
    os.environ["MICBOARD_POLL_CONCURRENCY"] = str(args.poll_concurrency)

    import django  # noqa: PLC0415

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415

    from micboard.composition import sync_service  # noqa: PLC0415
    from micboard.models import Receiver  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    with processes(ROOT / "var" / "bench" / "sync-profile") as group:
        ports = start_simulator(group, args.receivers, args.models, silent=[])
        venue = register(ports, args.models.split(","), interval=5)
        ids = list(Receiver.objects.filter(venue=venue).values_list("pk", flat=True))
        service = sync_service()
        batches = [ids[i : i + args.batch_size] for i in range(0, len(ids), args.batch_size)]

        def alone() -> None:
            for pk in ids:
                service.receivers_sync(receiver_ids=[pk])

        def batched() -> None:
            for batch in batches:
                service.receivers_sync(receiver_ids=batch)

        print(f"command: {' '.join(sys.argv)} (alert evaluation {args.alerts})")
        if args.by_family:
            by_family(service, venue, args)
            return 0
        for name, run in (("alone", alone), (f"batches of {args.batch_size}", batched)):
            wall, cpu = per_sync(run, len(ids), args.rounds)
            print(f"| {name:<16} | {wall:6.2f} ms wall | {cpu:6.2f} ms CPU | per sync |")
        if args.profile:
            from pyinstrument import Profiler  # noqa: PLC0415

            profiler = Profiler(interval=0.0005)
            with profiler:
                (alone if args.profile == "alone" else batched)()
            print(profiler.output_text(unicode=False, color=False))
    return 0


def each_alert_mode() -> int:
    """Settings are read once per process: one child process per alert mode."""
    for mode in ("on", "off"):
        command = [sys.executable, *sys.argv, "--alerts", mode]
        code = subprocess.call(command)  # noqa: S603 (this script, its own arguments)
        if code:
            return code
    return 0


def by_family(service: Any, venue: Any, args: argparse.Namespace) -> None:
    from micboard.models import Receiver  # noqa: PLC0415

    ids: dict[str, list[int]] = defaultdict(list)
    vendor: dict[str, str] = {}
    rows = Receiver.objects.filter(venue=venue).values_list("pk", "family", "protocol")
    for pk, family, protocol in rows.order_by("protocol", "pk"):
        ids[family].append(pk)
        vendor[family] = "Sennheiser" if protocol.startswith("sennheiser") else "Shure"
    print("| family | vendor | receivers | CPU ms/sync | wall ms/sync | cores, 1,000 at 5 s |")
    print("|---|---|---:|---:|---:|---:|")
    spent: dict[str, list[float]] = defaultdict(list)
    for family, pks in ids.items():
        batches = [pks[i : i + args.batch_size] for i in range(0, len(pks), args.batch_size)]

        def batched(batches: list[list[int]] = batches) -> None:
            for batch in batches:
                service.receivers_sync(receiver_ids=batch)

        wall, cpu = per_sync(batched, len(pks), args.rounds)
        spent[vendor[family]] += [cpu] * len(pks)
        offline = len(pks) - Receiver.objects.filter(pk__in=pks, status="online").count()
        note = f" ({offline} offline)" if offline else ""
        print(
            f"| {family} | {vendor[family]} | {len(pks)}{note} | {cpu:.2f} | {wall:.2f} "
            f"| {FLEET / INTERVAL * cpu / 1000:.2f} |"
        )
    everything = [cpu for values in spent.values() for cpu in values]
    for name, values in [*sorted(spent.items()), ("mixed fleet", everything)]:
        cpu = statistics.fmean(values)
        print(
            f"| **{name}** | | {len(values)} | {cpu:.2f} | | {FLEET / INTERVAL * cpu / 1000:.2f} |"
        )


if __name__ == "__main__":
    sys.exit(main())
