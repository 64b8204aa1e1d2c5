"""What a worker last got done: its last completed task and its last database write."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass


@dataclass(slots=True)
class Progress:
    """Unix times of the worker's last completed task and last successful database write."""

    task_done_at: float | None = None
    database_write_at: float | None = None


_lock = threading.Lock()
_progress = Progress()


def task_done(*, wrote: bool) -> None:
    """A task got its work done (a failed one is not progress); ``wrote``: its database
    writes were committed."""
    now = time.time()
    with _lock:
        _progress.task_done_at = now
        if wrote:
            _progress.database_write_at = now


def progress() -> Progress:
    with _lock:
        return Progress(_progress.task_done_at, _progress.database_write_at)
