"""A task that bounds itself on the thread pool, which enforces no Celery time limit.

Past its deadline the task's database connection is shut under it, so a query blocked on a
dead or blackholed link raises at once instead of waiting for the kernel's TCP timeout;
the task fails, its connection is dropped after it, and the next task connects anew.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Iterator
from typing import Any

import structlog
from django.db import DEFAULT_DB_ALIAS, connections

log = structlog.get_logger(__name__)


def _database_socket(raw: Any) -> int | None:
    """The file descriptor of a psycopg connection's socket; None for SQLite or when closed."""
    pgconn = getattr(raw, "pgconn", None)
    try:
        fileno = pgconn.socket if pgconn is not None else None
    except Exception:  # psycopg raises once the connection is closed
        return None
    return fileno if isinstance(fileno, int) and fileno >= 0 else None


def shut_database_connection(raw: Any) -> bool:
    """Shut the socket under ``raw`` (both ways); True when there was one to shut."""
    fileno = _database_socket(raw)
    if fileno is None:
        return False
    with contextlib.suppress(OSError), socket.socket(fileno=os.dup(fileno)) as sock:
        sock.shutdown(socket.SHUT_RDWR)
    return True


@contextlib.contextmanager
def bounded(seconds: float, *, task: str) -> Iterator[None]:
    """Run the block for at most about ``seconds``: past that its database wait is cut."""
    wrapper = connections[DEFAULT_DB_ALIAS]  # this thread's connection

    def expire() -> None:
        shut = shut_database_connection(wrapper.connection)
        log.error("task_deadline_exceeded", task=task, seconds=seconds, database_cut=shut)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
