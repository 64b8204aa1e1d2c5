"""The Celery application: settings from Django (``CELERY_*``), tasks in ``workers.tasks``."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("micboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["workers"], related_name="tasks", force=True)


def _install_bootsteps() -> None:
    from django_structlog.celery.steps import DjangoStructLogInitStep  # noqa: PLC0415

    from workers.bootsteps import LivenessHeartbeat  # noqa: PLC0415

    app.steps["worker"].add(DjangoStructLogInitStep)
    app.steps["worker"].add(LivenessHeartbeat)


_install_bootsteps()
