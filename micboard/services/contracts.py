"""The service contracts: what the faces and other services call, never a concrete class."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from micboard.integrations.base import ReceiverSnapshot
from micboard.models import Alert, Receiver, Venue
from micboard.services.alerts.delivery import DeliveryOutcome
from micboard.services.alerts.evaluation import Changes
from micboard.services.alerts.service import CheckReport, TestDelivery
from micboard.services.audit import SYSTEM, Actor
from micboard.services.dto import (
    DispatchStats,
    PolledSnapshot,
    ReceiverInput,
    ResyncReport,
    SyncOutcome,
    UnreachablePoll,
    WrittenBatch,
)
from micboard.services.result import ServiceResult


class LocationService(Protocol):
    def venue_create(self, *, name: str, slug: str = "", actor: Actor = SYSTEM) -> Venue: ...

    def venue_get_or_create(self, *, name: str, slug: str) -> Venue: ...

    def venue_get(self, *, venue_id: int) -> Venue: ...

    def venue_update(
        self, *, venue: Venue, values: dict[str, object], actor: Actor = SYSTEM
    ) -> Venue: ...

    def venue_delete(self, *, venue: Venue, actor: Actor = SYSTEM) -> None: ...


class DeviceService(Protocol):
    def receiver_validate(self, *, data: ReceiverInput) -> dict[str, object]: ...

    def receiver_register(
        self, *, venue: Venue, data: ReceiverInput, actor: Actor = SYSTEM
    ) -> Receiver: ...

    def receiver_update(
        self, *, receiver: Receiver, data: ReceiverInput, actor: Actor = SYSTEM
    ) -> Receiver: ...

    def receiver_remove(self, *, receiver: Receiver, actor: Actor = SYSTEM) -> None: ...

    def receiver_set_enabled(
        self, *, receiver_ids: list[int], enabled: bool, actor: Actor = SYSTEM
    ) -> int: ...

    def polls_apply(
        self, *, answered: list[PolledSnapshot], unreachable: list[UnreachablePoll]
    ) -> list[int]: ...

    def snapshot_apply(
        self,
        *,
        receiver: Receiver,
        snapshot: ReceiverSnapshot,
        next_sync_at: datetime | None = None,
        duration_ms: int | None = None,
    ) -> None: ...


class SynchronizationService(Protocol):
    def receivers_sync(self, *, receiver_ids: list[int]) -> list[SyncOutcome]: ...

    def venue_dispatch(self, *, venue_id: int) -> ServiceResult[DispatchStats]: ...

    def receivers_resync(
        self, *, receiver_ids: list[int], requested_by: str, actor: Actor | None = None
    ) -> ResyncReport: ...


class AlertEvaluation(Protocol):
    def receivers_evaluate(self, *, receiver_ids: list[int]) -> Changes: ...

    def batch_evaluate(self, *, batch: WrittenBatch) -> Changes: ...


class AlertService(AlertEvaluation, Protocol):
    def alert_acknowledge(
        self, *, alert_id: int, by: str, note: str = "", actor: Actor | None = None
    ) -> Alert: ...

    def alert_resolve(self, *, alert_id: int, by: str, actor: Actor | None = None) -> Alert: ...

    def alerts_check(self) -> CheckReport: ...

    def notification_deliver(self, *, notification_id: int) -> DeliveryOutcome: ...

    def venue_notify_test(self, *, venue: Venue) -> list[TestDelivery]: ...
