"""Process roles: the central site's processes, and venue workers that hold less.

A venue worker (``MICBOARD_PROCESS_ROLE=venue-worker``) runs on a machine at a venue that
many people can reach. It holds its own database role and Redis user and no ``SECRET_KEY``
of the web app, so it must never serve the web app or run beat (docs/adr/0031).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from micboard.exceptions import ConfigurationError

CENTRAL = "central"
VENUE_WORKER = "venue-worker"
ROLES = (CENTRAL, VENUE_WORKER)


def process_role(raw: str) -> str:
    """The role named by ``MICBOARD_PROCESS_ROLE``, or a clear error."""
    role = raw.strip().lower()
    if role not in ROLES:
        raise ConfigurationError(
            f"MICBOARD_PROCESS_ROLE={raw!r} is not a process role (use {' or '.join(ROLES)})"
        )
    return role


def is_venue_worker() -> bool:
    return str(getattr(settings, "MICBOARD_PROCESS_ROLE", CENTRAL)) == VENUE_WORKER


def refuse_in_venue_worker(what: str) -> None:
    """Stop ``what`` (the web app, beat) from starting with a venue worker's settings."""
    if is_venue_worker():
        raise ImproperlyConfigured(
            f"MICBOARD_PROCESS_ROLE=venue-worker: a venue worker's settings cannot run {what}. "
            "Run it at the central site with the central environment file."
        )
