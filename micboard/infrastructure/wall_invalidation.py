"""Cache invalidation for the display wall: edits made outside a poll bump the wall's version.

Polls bump it through the event publisher. Admin and API edits of venues, receivers,
channel groups, performers, events and assignments save through the ORM, and these
receivers bump the version once the transaction commits, so no wall renders the state
before the edit under the new version.
A group's members are saved with their group (admin inline, group service), so the group's
own save covers them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from micboard.models import Assignment, ChannelGroup, Event, Performer, Receiver, Venue
from micboard.selectors.wall import WallFeed


def connect(feed: Callable[[], WallFeed]) -> None:
    """Bump ``feed()``'s version of the venue after each committed edit."""

    def bump(sender: type[Model], instance: Model, **_: Any) -> None:
        venue_id = _venue_id(instance)
        if venue_id is not None:
            transaction.on_commit(partial(feed().bump, venue_id=venue_id))

    for model in (Venue, Receiver, ChannelGroup, Performer, Event, Assignment):
        for signal in (post_save, post_delete):
            uid = f"micboard.wall.{model.__name__}"
            signal.connect(bump, sender=model, dispatch_uid=uid, weak=False)


def _venue_id(instance: Model) -> int | None:
    if isinstance(instance, Venue):
        return instance.pk
    venue_id = getattr(instance, "venue_id", None)
    return int(venue_id) if venue_id is not None else None
