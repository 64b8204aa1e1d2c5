"""``python -m micboard.workers.probe``: exit 1 when a worker's heartbeat says it is wedged.

A worker is *dead* when its heartbeat file is older than ``--max-age`` seconds, and *wedged*
when it completed no task for ``--max-idle`` seconds (a venue worker runs its dispatcher
every second, so an idle one is stuck, or cut off from the broker or the database for that
long). Pick ``--max-idle`` longer than the WAN blips a venue should ride out: restarting
cannot mend a link, and a worker recovers by itself once the link is back.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from micboard.workers.bootsteps import heartbeat_path


def verdict(body: dict[str, object], *, now: float, max_age: float, max_idle: float) -> str:
    """Blank when healthy, otherwise what is wrong."""
    at = body.get("at")
    if not isinstance(at, int | float) or now - at > max_age:
        return f"heartbeat older than {max_age:.0f} s: the worker process is gone or frozen"
    done = body.get("task_done_at")
    started = body.get("started_at")
    # Before its first task, a worker is given --max-idle from its start.
    last = done if isinstance(done, int | float) else started
    if isinstance(last, int | float) and now - last > max_idle:
        return f"no task completed for {now - last:.0f} s (limit {max_idle:.0f} s)"
    return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--file", type=Path, default=heartbeat_path())
    parser.add_argument("--max-age", type=float, default=30.0, help="seconds")
    parser.add_argument("--max-idle", type=float, default=120.0, help="seconds")
    args = parser.parse_args(argv)
    if args.file is None:
        print("no heartbeat file (set MICBOARD_WORKER_HEARTBEAT_FILE)", file=sys.stderr)
        return 1
    try:
        body = json.loads(args.file.read_text())
    except (OSError, ValueError) as error:
        print(f"heartbeat unreadable: {error}", file=sys.stderr)
        return 1
    problem = verdict(body, now=time.time(), max_age=args.max_age, max_idle=args.max_idle)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
