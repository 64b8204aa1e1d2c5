"""The display wall's feed: the current version cheaply, and each version rendered once.

Every open wall asks about once a second. A wall that holds the current version costs one
Redis round trip. Otherwise the rendered state of the current version comes from a shared
Redis entry, so however many walls show a venue, each new version is read from the
database about once (once per web process at worst). Frames are kept gzipped: a
500-channel wall is about 170 KB of JSON and 16 KB on the wire.
"""

from __future__ import annotations

import gzip
import json
import threading
from datetime import datetime

import redis
import structlog

from micboard.exceptions import NotFoundError
from micboard.infrastructure import keys
from micboard.infrastructure.clock import Clock, SystemClock
from micboard.infrastructure.wall_versions import WallVersions
from micboard.models import Venue
from micboard.selectors.wall import WallFrame, wall_read

log = structlog.get_logger(__name__)

STATE_CACHE_SECONDS = 300
GZIP_LEVEL = 5
# A venue whose receivers report 25 times a second is rendered at most 4 times a second;
# a wall then shows a change at most this much later than it could.
MIN_RENDER_INTERVAL = 0.25


class RedisWallFeed:
    """The ``WallFeed`` whose versions and rendered frames live in Redis."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        prefix: str,
        clock: Clock | None = None,
    ) -> None:
        self._client = client
        self._prefix = prefix
        self._versions = WallVersions(client, prefix=prefix)
        self._clock = clock or SystemClock()
        self._build_lock = threading.Lock()

    def bump(self, *, venue_id: int) -> None:
        self._versions.bump(venue_id=venue_id)

    def version(self, *, venue_id: int | None) -> int | None:
        try:
            return self._versions.current(venue_id=venue_id)
        except redis.RedisError as error:
            log.warning("wall_version_unavailable", venue_id=venue_id, error=str(error))
            return None

    def frame(self, *, venue_id: int | None, version: int | None) -> WallFrame:
        """The wall at ``version``, newer, or at most ``MIN_RENDER_INTERVAL`` older.

        Raises ``NotFoundError`` for a venue that is gone.
        """
        if version is None:
            return WallFrame(None, self._render(venue_id, 0)[0])
        usable = self._usable(self._cached(venue_id), version)
        if usable is not None:
            return usable
        # Walls of one process that see a new version together render it once.
        with self._build_lock:
            usable = self._usable(self._cached(venue_id), version)
            if usable is not None:
                return usable
            body, stale_at = self._render(venue_id, version)
            frame = WallFrame(version, body, self._timestamp())
            self._store(venue_id, frame)
            if stale_at is not None:
                keep = round(stale_at - frame.rendered_at) + STATE_CACHE_SECONDS
                self._versions.changes_at(venue_id=venue_id, when=stale_at, keep_seconds=keep)
            return frame

    def _timestamp(self) -> float:
        return self._clock.now().timestamp()

    def _usable(self, cached: WallFrame | None, version: int) -> WallFrame | None:
        """``cached`` if good enough for ``version``: as new, or rendered a moment ago."""
        if cached is None or cached.version is None:
            return None
        recent = self._timestamp() - cached.rendered_at < MIN_RENDER_INTERVAL
        return cached if cached.version >= version or recent else None

    def _render(self, venue_id: int | None, version: int) -> tuple[bytes, float | None]:
        """The gzipped frame, and when its data next turns stale (Unix seconds)."""
        venue = None
        if venue_id is not None:
            venue = Venue.objects.filter(pk=venue_id).first()
            if venue is None:
                raise NotFoundError(f"venue {venue_id} does not exist")
        state = wall_read(venue=venue, version=version)
        body = json.dumps(state, separators=(",", ":")).encode()
        stale_at = state["stale_at"]
        return (
            gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0),
            datetime.fromisoformat(stale_at).timestamp() if stale_at else None,
        )

    def _key(self, venue_id: int | None) -> str:
        return keys.prefixed(self._prefix, keys.wall_frame(venue_id))

    def _cached(self, venue_id: int | None) -> WallFrame | None:
        try:
            raw = self._client.get(self._key(venue_id))
        except redis.RedisError:
            return None
        if not isinstance(raw, bytes):
            return None
        head, _, body = raw.partition(b"\n")
        version, _, rendered_at = head.partition(b" ")
        return WallFrame(int(version), body, float(rendered_at))

    def _store(self, venue_id: int | None, frame: WallFrame) -> None:
        head = f"{frame.version} {frame.rendered_at}\n".encode()
        try:
            self._client.set(self._key(venue_id), head + frame.gzipped, ex=STATE_CACHE_SECONDS)
        except redis.RedisError as error:
            log.warning("wall_state_cache_failed", venue_id=venue_id, error=str(error))
