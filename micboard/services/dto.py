"""Plain data passed into and out of services."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from micboard.integrations.base import ReceiverSnapshot
    from micboard.models import Channel, Receiver


@dataclass(frozen=True, slots=True)
class ReceiverInput:
    """What an operator supplies to register or edit a receiver."""

    name: str
    model: str
    host: str
    port: int = 2202
    protocol: str = "shure-tcp"
    family: str = ""
    poll_interval: int = 5
    enabled: bool = True
    device_password: str | None = field(default=None, repr=False)
    """The device's own password (SSC v2); ``None`` keeps the stored one, "" removes it."""

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> ReceiverInput:
        """From a form's or a serializer's cleaned values. A value left out or empty is
        empty here too (an empty protocol: the one that speaks the model), so validation
        reports it rather than a default hiding it."""
        return cls(
            name=values.get("name") or "",
            model=values.get("model") or "",
            host=values.get("host") or "",
            port=values.get("port") or 0,
            protocol=values.get("protocol") or "",
            poll_interval=values.get("poll_interval") or 0,
            enabled=bool(values.get("enabled")),
            device_password=values.get("device_password"),
        )


class SyncStatus(enum.StrEnum):
    """How the sync of one receiver ended."""

    SYNCED = "synced"
    """It answered and what it reported is stored."""
    OFFLINE = "offline"
    """It did not answer (or its protocol has no driver); it is marked offline."""
    SKIPPED = "skipped"
    """Not polled: polling is disabled, or another worker holds its lock."""
    NOT_FOUND = "not_found"
    """No such receiver, or it was deleted while it was polled."""
    ERROR = "error"
    """Its driver crashed; nothing was written."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SyncOutcome:
    """One receiver's part of a sync: an ordinary outcome, never an exception."""

    receiver_id: int
    status: SyncStatus
    detail: str = ""
    duration_ms: int = 0
    error_code: str = ""

    @property
    def ok(self) -> bool:
        """Nothing went wrong: synced, or skipped on purpose."""
        return self.status in (SyncStatus.SYNCED, SyncStatus.SKIPPED)


@dataclass(frozen=True, slots=True)
class PolledSnapshot:
    """What one poll of one receiver learned, ready to be written."""

    receiver: Receiver
    snapshot: ReceiverSnapshot
    next_sync_at: datetime | None = None
    duration_ms: int | None = None


@dataclass(frozen=True, slots=True)
class UnreachablePoll:
    """A poll the receiver did not answer, ready to be written."""

    receiver: Receiver
    error: str
    next_sync_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class WrittenBatch:
    """What one batch write stored, as the rows it wrote: each receiver with the values now
    in its row, and the channels of those that answered. Alert evaluation reads these
    instead of reading them back. ``vanished``: answered receivers deleted meanwhile (not
    in ``receivers``). ``exact`` is False when a receiver of the batch was gone before its
    row could be written: the rows in hand then say more than the database does."""

    receivers: list[Receiver] = field(default_factory=list)
    channels: dict[int, list[Channel]] = field(default_factory=dict)
    vanished: list[int] = field(default_factory=list)
    exact: bool = True


@dataclass(frozen=True, slots=True)
class DispatchStats:
    venue_id: int
    due: int = 0
    enqueued: int = 0
    late: int = 0
    duration_ms: int = 0
    skipped_locked: int = 0


@dataclass(frozen=True, slots=True)
class ResyncReport:
    requested: int = 0
    enqueued: list[int] = field(default_factory=list)
    already_pending: list[int] = field(default_factory=list)
    """Receivers whose resync joined one already queued: coalesced, no message of their own."""
    disabled: list[int] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)
    deferred: list[int] = field(default_factory=list)
    """Enqueued receivers whose resync waits for the spacing after their previous one."""

    @property
    def coalesced(self) -> int:
        return len(self.already_pending)
