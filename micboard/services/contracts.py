"""The service contracts. Interfaces depend on these, never on a concrete class."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from micboard.integrations.base import ReceiverSnapshot
from micboard.models import Receiver, Venue
from micboard.services.dto import (
    DispatchStats,
    PolledSnapshot,
    ReceiverInput,
    ResyncReport,
    SyncOutcome,
)
from micboard.services.result import ServiceResult


class LocationService(Protocol):
    def venue_create(self, *, name: str, slug: str = "") -> Venue: ...

    def venue_get_or_create(self, *, name: str, slug: str) -> Venue: ...

    def venue_get(self, *, venue_id: int) -> Venue: ...

    def venue_delete(self, *, venue: Venue) -> None: ...


class DeviceService(Protocol):
    def receiver_validate(self, data: ReceiverInput) -> dict[str, object]: ...

    def receiver_register(self, *, venue: Venue, data: ReceiverInput) -> Receiver: ...

    def receiver_update(self, *, receiver: Receiver, data: ReceiverInput) -> Receiver: ...

    def receiver_remove(self, *, receiver: Receiver) -> None: ...

    def receiver_set_enabled(self, *, receiver_ids: list[int], enabled: bool) -> int: ...

    def apply_snapshot(
        self,
        *,
        receiver: Receiver,
        snapshot: ReceiverSnapshot,
        next_sync_at: datetime | None = None,
        duration_ms: int | None = None,
    ) -> None: ...

    def apply_snapshots(self, polls: list[PolledSnapshot]) -> list[int]: ...

    def mark_unreachable(
        self, *, receiver: Receiver, error: str, next_sync_at: datetime | None = None
    ) -> None: ...


class SynchronizationService(Protocol):
    def sync_receiver(self, *, receiver_id: int) -> ServiceResult[SyncOutcome]: ...

    def sync_receivers(self, *, receiver_ids: list[int]) -> ServiceResult[list[SyncOutcome]]: ...

    def dispatch_due(self, *, venue_id: int) -> ServiceResult[DispatchStats]: ...

    def request_resync(
        self, *, receiver_ids: list[int], requested_by: str
    ) -> ServiceResult[ResyncReport]: ...
