"""Worker CPU per sync for each vendor of a mixed fleet, through the same Celery workers.

Run by ``bench/fleet.py`` after its measured window, once beat has stopped dispatching: the
receivers of one vendor at a time are sent to the venue's queue as sync tasks (batches of
the run's batch size, ``passes`` times over), and the workers' CPU over the syncs they
report is that vendor's cost. Every vendor is measured on the same workers and broker.
"""

from __future__ import annotations

import time
from typing import Any

from micboard.infrastructure.enqueuer import SYNC_TASK

DRAIN_SECONDS = 120


def vendor_of(protocol: str) -> str:
    return "Sennheiser" if protocol.startswith("sennheiser") else "Shure"


def measure_vendor_cost(bench: Any, passes: int) -> dict[str, float]:
    """Worker CPU seconds per 1,000 syncs, by vendor (vendors with no receivers left out)."""
    from micboard.models import Receiver  # noqa: PLC0415

    by_vendor: dict[str, list[int]] = {}
    rows = Receiver.objects.filter(venue=bench.venue).values_list("pk", "protocol")
    for pk, protocol in rows.order_by("pk"):
        by_vendor.setdefault(vendor_of(protocol), []).append(pk)
    size = max(1, int(bench.args.batch_size))
    costs: dict[str, float] = {}
    for vendor, ids in sorted(by_vendor.items()):
        batches = [ids[i : i + size] for i in range(0, len(ids), size)] * passes
        before, tasks_before = bench.usage(), bench.counter.count(SYNC_TASK)
        syncs_before = bench.counter.syncs()
        with bench.app.producer_or_acquire() as producer:
            for batch in batches:
                bench.app.send_task(
                    SYNC_TASK,
                    kwargs={"receiver_ids": batch, "venue": bench.venue.slug, "reason": "bench"},
                    queue=bench.venue.queue_name,
                    routing_key=bench.venue.queue_name,
                    producer=producer,
                    ignore_result=True,
                )
        deadline = time.monotonic() + DRAIN_SECONDS
        while bench.counter.count(SYNC_TASK) - tasks_before < len(batches):
            if time.monotonic() > deadline:
                bench.result.notes.append(f"{vendor} syncs did not drain")
                break
            time.sleep(0.05)
        after = bench.usage()
        cpu = sum(after[p].cpu_seconds - before[p].cpu_seconds for p in before)
        costs[vendor] = 1000 * cpu / max(1, bench.counter.syncs() - syncs_before)
    return costs
