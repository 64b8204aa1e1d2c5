"""The venue's alert settings version, moved by every change to its rules or watched times.

Every saved or deleted rule, watched weekly hours or watched event moves it, so workers
know when the settings they keep are old. It moves in the same transaction as the change:
a worker that reads the venue's new version after the commit reads the new settings with
it (ADR 0039). Writes that send no signal (``bulk_create``, ``QuerySet.update``) call
``alert_settings_changed`` themselves.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Model
from django.db.models.signals import post_delete, post_save

from micboard.models import AlertRule, Venue, WatchedEvent, WatchedHours

SETTINGS_MODELS: tuple[type[Model], ...] = (AlertRule, WatchedHours, WatchedEvent)


def alert_settings_changed(*, venue_id: int) -> None:
    """Move the venue's version: the next evaluation of its receivers reads its settings."""
    Venue.objects.filter(pk=venue_id).update(alert_settings_version=F("alert_settings_version") + 1)


def connect() -> None:
    def moved(sender: type[Model], instance: Model, **_: Any) -> None:
        venue_id = getattr(instance, "venue_id", None)
        if venue_id is not None:
            alert_settings_changed(venue_id=int(venue_id))

    for model in SETTINGS_MODELS:
        for signal in (post_save, post_delete):
            uid = f"micboard.alert_settings.{model.__name__}"
            signal.connect(moved, sender=model, dispatch_uid=uid, weak=False)
