"""Every Redis key and channel micboard uses, built here and nowhere else.

Lock managers and caches take keys without the installation's prefix
(``MICBOARD_KEY_PREFIX``) and add it; ``prefixed`` gives the key as Redis stores it.
"""

from __future__ import annotations

from micboard.models import ALL_VENUES

BEAT_LEADER = "beat:leader"


def prefixed(prefix: str, key: str) -> str:
    """``key`` as stored in Redis under the installation's ``prefix``."""
    return f"{prefix}:{key}"


def receiver_lock(receiver_id: int) -> str:
    """Held while a worker polls the receiver."""
    return f"lock:receiver:{receiver_id}"


def dispatch_lock(venue_id: int) -> str:
    """Held while the venue's dispatcher runs."""
    return f"lock:dispatch:{venue_id}"


def dispatch_queued(venue_id: int) -> str:
    """Set by beat while the venue's dispatch message waits unconsumed in its queue."""
    return f"dispatch:queued:{venue_id}"


def resync_pending(receiver_id: int) -> str:
    """Set while an operator's resync of the receiver waits in its queue."""
    return f"resync:pending:{receiver_id}"


def wall_scope(venue_id: int | None) -> str:
    """The wall of one venue, or of every venue (``venue_id`` None)."""
    return ALL_VENUES if venue_id is None else str(venue_id)


def wall_version(venue_id: int | None) -> str:
    return f"wall:version:{wall_scope(venue_id)}"


def wall_frame(venue_id: int | None) -> str:
    return f"wall:state:{wall_scope(venue_id)}"


def wall_stale_at(venue_id: int | None) -> str:
    """When the wall next changes with nobody writing (data turning stale), Unix seconds."""
    return f"wall:stale-at:{wall_scope(venue_id)}"


def resync_recent(receiver_id: int) -> str:
    """When the receiver's latest resync was queued to run, Unix seconds."""
    return f"resync:recent:{receiver_id}"


EVENTS = "events"
"""The pub/sub channel of ``receiver.changed`` events."""
