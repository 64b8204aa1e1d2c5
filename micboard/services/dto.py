"""Plain data passed into and out of services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from micboard.integrations.base import ReceiverSnapshot
    from micboard.models import Receiver


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


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    receiver_id: int
    status: str  # "synced" | "offline" | "skipped" | "not_found" | "error"
    detail: str = ""
    duration_ms: int = 0
    error_code: str = ""


@dataclass(frozen=True, slots=True)
class PolledSnapshot:
    """What one poll of one receiver learned, ready to be written."""

    receiver: Receiver
    snapshot: ReceiverSnapshot
    next_sync_at: datetime | None = None
    duration_ms: int | None = None


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
    disabled: list[int] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)
