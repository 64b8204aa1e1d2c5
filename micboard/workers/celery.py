"""The Celery application: settings from Django (``CELERY_*``), tasks in ``tasks.py`` beside it."""

from __future__ import annotations

import contextlib
import os
from typing import Any

import structlog
from celery import Celery
from celery.signals import (
    beat_init,
    task_failure,
    task_postrun,
    task_prerun,
    task_revoked,
    worker_init,
)
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "micboard.project.settings")

log = structlog.get_logger("workers")

app = Celery("micboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["micboard.workers"], related_name="tasks")


@task_prerun.connect
@task_postrun.connect
def _drop_broken_database_connections(**_: object) -> None:
    """Like Django does around a request: a connection broken by a database restart is
    closed (and reopened by the next query) instead of failing every following task."""
    close_old_connections()


@task_failure.connect
def _log_task_failure(
    sender: Any = None,
    task_id: str = "",
    exception: BaseException | None = None,
    args: Any = None,
    kwargs: dict[str, Any] | None = None,
    **_: Any,
) -> None:
    """The one log line of a failed task, with what it was working on."""
    context = kwargs or {}
    ids = context.get("receiver_ids")
    alone = ids[0] if isinstance(ids, list | tuple) and len(ids) == 1 else None
    log.error(
        "task_failed",
        task=getattr(sender, "name", str(sender)),
        task_id=task_id,
        receiver_id=context.get("receiver_id", alone),
        receiver_ids=ids,
        venue=context.get("venue"),
        task_args=list(args or ()),
        error=f"{type(exception).__name__}: {exception}",
        exc_info=exception,
    )


@task_revoked.connect
def _log_task_revoked(
    request: Any = None, terminated: bool = False, expired: bool = False, **_: Any
) -> None:
    """One line per message dropped unrun: ``expired`` ones mean the venue's worker fell behind
    (or was away) for longer than a poll interval; alert on them in bulk."""
    if getattr(request, "task", None) == "micboard.dispatch_due_syncs" and getattr(
        request, "args", None
    ):
        from micboard.composition import beat_locks  # noqa: PLC0415 (needs Django set up)

        # An expired dispatch was consumed too: beat may send the next one at once.
        with contextlib.suppress(Exception):
            beat_locks().dispatch_forget(int(request.args[0]))
    log.warning(
        "task_revoked",
        task=getattr(request, "task", None),
        task_id=getattr(request, "id", None),
        expired=expired,
        terminated=terminated,
        venue=(getattr(request, "kwargs", None) or {}).get("venue"),
    )


@worker_init.connect
def _check_links(sender: Any = None, **kwargs: Any) -> None:
    """A refused certificate or password ends the worker before it consumes anything."""
    from micboard.workers.startup import on_worker_init  # noqa: PLC0415 (needs Django set up)

    on_worker_init(sender=sender, **kwargs)


@beat_init.connect
def _refuse_beat_in_venue_worker(**_: Any) -> None:
    """Beat belongs to the central site; a venue worker's settings never run it."""
    from django.core.exceptions import ImproperlyConfigured  # noqa: PLC0415

    from micboard.project.roles import refuse_in_venue_worker  # noqa: PLC0415

    try:
        refuse_in_venue_worker("beat")
    except ImproperlyConfigured as error:
        # Celery logs and swallows a receiver's exceptions; SystemExit ends beat instead.
        log.critical("beat_refused", error=str(error))
        raise SystemExit(str(error)) from error


def _install_bootsteps() -> None:
    from django_structlog.celery.steps import DjangoStructLogInitStep  # noqa: PLC0415

    from micboard.workers.bootsteps import LivenessHeartbeat  # noqa: PLC0415

    app.steps["worker"].add(DjangoStructLogInitStep)
    app.steps["worker"].add(LivenessHeartbeat)


_install_bootsteps()
