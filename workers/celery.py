"""The Celery application: settings from Django (``CELERY_*``), tasks in ``workers.tasks``."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("micboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["workers"], related_name="tasks")


@task_prerun.connect
@task_postrun.connect
def _drop_broken_database_connections(**_: object) -> None:
    """Like Django does around a request: a connection broken by a database restart is
    closed (and reopened by the next query) instead of failing every following task."""
    close_old_connections()


def _install_bootsteps() -> None:
    from django_structlog.celery.steps import DjangoStructLogInitStep  # noqa: PLC0415

    from workers.bootsteps import LivenessHeartbeat  # noqa: PLC0415

    app.steps["worker"].add(DjangoStructLogInitStep)
    app.steps["worker"].add(LivenessHeartbeat)


_install_bootsteps()
