"""Plain data passed into and out of services."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    status: str  # "synced" | "offline" | "skipped"
    detail: str = ""
    duration_ms: int = 0


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
