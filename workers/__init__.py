"""Celery workers and beat for micboard (``celery -A workers ...``)."""

from workers.celery import app

__all__ = ["app"]
