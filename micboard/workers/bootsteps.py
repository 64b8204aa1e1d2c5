"""Worker bootsteps: a liveness heartbeat file that probes (systemd, compose) can check."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from celery import bootsteps

HEARTBEAT_SECONDS = 5.0


def heartbeat_path() -> Path | None:
    raw = os.environ.get("MICBOARD_WORKER_HEARTBEAT_FILE", "")
    return Path(raw) if raw else None


class LivenessHeartbeat(bootsteps.StartStopStep):
    """Writes the time to ``MICBOARD_WORKER_HEARTBEAT_FILE`` every few seconds.

    A probe treats the worker as dead when the file is older than a few heartbeats.
    """

    requires = ("celery.worker.components:Timer",)

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.path = heartbeat_path()
        self.tref: Any = None

    def start(self, parent: Any) -> None:
        if self.path is None:
            return
        self.beat()
        self.tref = parent.timer.call_repeatedly(HEARTBEAT_SECONDS, self.beat)

    def beat(self) -> None:
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(f"{time.time():.0f}\n")

    def stop(self, parent: Any) -> None:
        if self.tref is not None:
            self.tref.cancel()
