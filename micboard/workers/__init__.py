"""Celery workers and beat for micboard (``celery -A micboard.workers ...``)."""

from micboard.workers.celery import app

__all__ = ["app"]
