"""SynchronizationService: polling one receiver, dispatching due ones, operator resyncs."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime, timedelta

import structlog
from django.db import transaction
from django.db.models import Q

from micboard.exceptions import DeviceError, NotFoundError, UnknownProtocolError
from micboard.infrastructure import keys
from micboard.infrastructure.clock import Clock
from micboard.infrastructure.enqueuer import PRIORITY_RESYNC, SyncRequest, TaskEnqueuer
from micboard.infrastructure.locks import LockManager, Renewal
from micboard.infrastructure.secret_box import SecretBox
from micboard.integrations.base import DriverRegistry, ReceiverSnapshot
from micboard.models import DispatchCycle, Receiver, Venue
from micboard.services.audit import Actor, audit_resync
from micboard.services.backoff import backoff_seconds
from micboard.services.contracts import DeviceService
from micboard.services.dto import (
    DispatchStats,
    PolledSnapshot,
    ResyncReport,
    SyncOutcome,
    SyncStatus,
    UnreachablePoll,
)
from micboard.services.polling import Poll, ReceiverPoller
from micboard.services.result import ServiceResult
from micboard.services.scheduling import DISPATCH_EVERY_SECONDS

log = structlog.get_logger(__name__)

RESYNC_PENDING_SECONDS = 60
# A receiver is resynced at most once in this many seconds; a request sooner waits its turn.
RESYNC_SPACING_SECONDS = 2.0
DISPATCH_LOCK_SECONDS = 10
# A dispatcher renews its lock while it runs, up to its task's deadline.
DISPATCH_MAX_SECONDS = 30
# Share of a poll interval a due receiver's message may wait for a worker thread: at 5,000
# receivers every 10 s, 1.7% of the samples were just older than the interval without it.
QUEUE_WAIT_SHARE = 0.05


def next_poll_after(poll_interval: int, duration_ms: int) -> timedelta:
    """When the next poll is due, from the start of this one.

    The dispatcher runs once per tick, a poll takes time and its message may wait in the
    queue for a worker thread, so a receiver is made due one tick, one poll and a small
    share of its interval early: its data is then never older than its interval."""
    lead = (
        min(DISPATCH_EVERY_SECONDS, poll_interval / 2)
        + duration_ms / 1000
        + poll_interval * QUEUE_WAIT_SHARE
    )
    return timedelta(seconds=max(poll_interval / 2, poll_interval - lead))


class DjangoSynchronizationService:
    def __init__(
        self,
        *,
        devices: DeviceService,
        registry: DriverRegistry,
        locks: LockManager,
        enqueuer: TaskEnqueuer,
        clock: Clock,
        device_timeout: float,
        max_backoff: int,
        dispatch_batch: int = 10_000,
        receivers_per_message: int = 1,
        poll_concurrency: int = 1,
        secrets: SecretBox | None = None,
    ) -> None:
        self._devices = devices
        self._locks = locks
        self._enqueuer = enqueuer
        self._clock = clock
        self._device_timeout = device_timeout
        self._max_backoff = max_backoff
        self._dispatch_batch = dispatch_batch
        self._receivers_per_message = max(1, receivers_per_message)
        self._poller = ReceiverPoller(
            registry=registry,
            clock=clock,
            device_timeout=device_timeout,
            concurrency=poll_concurrency,
            secrets=secrets,
        )

    # --- polling receivers ----------------------------------------------------------

    def _lock_ttl(self, receivers: list[Receiver]) -> int:
        # About one poll interval, never shorter than the batch's device conversations.
        longest = max(r.poll_interval for r in receivers)
        talking = self._device_timeout * self._poller.rounds(len(receivers))
        return max(longest, math.ceil(talking) + 1)

    def receivers_sync(self, *, receiver_ids: list[int]) -> list[SyncOutcome]:
        """Poll one receiver or a batch concurrently, and write what they report (or that
        they did not answer) in one batch. Each receiver keeps its own lock, outcome and
        log lines; one outcome per id, in order."""
        wanted = list(dict.fromkeys(receiver_ids))
        # Unordered: the model's default order joins the venue table again to sort by name.
        rows = Receiver.objects.select_related("venue").filter(pk__in=wanted).order_by()
        found = {r.pk: r for r in rows}
        self._locks.forget_many([keys.resync_pending(pk) for pk in wanted])
        outcomes = {
            pk: SyncOutcome(
                receiver_id=pk,
                status=SyncStatus.NOT_FOUND,
                detail=f"receiver {pk} does not exist",
                error_code=NotFoundError.code,
            )
            for pk in wanted
            if pk not in found
        }
        enabled = []
        for receiver in found.values():
            if receiver.enabled:
                enabled.append(receiver)
            else:
                outcomes[receiver.pk] = SyncOutcome(
                    receiver_id=receiver.pk, status=SyncStatus.SKIPPED, detail="polling disabled"
                )
        if enabled:
            outcomes.update(self._sync_locked(enabled))
        return [outcomes[pk] for pk in wanted]

    def _sync_locked(self, receivers: list[Receiver]) -> dict[int, SyncOutcome]:
        lock_keys = [keys.receiver_lock(r.pk) for r in receivers]
        tokens = self._locks.acquire_many(lock_keys, ttl_seconds=self._lock_ttl(receivers))
        outcomes: dict[int, SyncOutcome] = {}
        held: list[tuple[str, str]] = []
        mine: list[Receiver] = []
        for receiver, key, token in zip(receivers, lock_keys, tokens, strict=True):
            if token is None:
                log.info("sync_skipped_locked", receiver_id=receiver.pk)
                outcomes[receiver.pk] = SyncOutcome(
                    receiver_id=receiver.pk, status=SyncStatus.SKIPPED, detail="locked"
                )
            else:
                held.append((key, token))
                mine.append(receiver)
        try:
            outcomes.update(self._poll_and_store(mine))
        finally:
            self._locks.release_many(held)
        return outcomes

    def _poll_and_store(self, receivers: list[Receiver]) -> dict[int, SyncOutcome]:
        outcomes: dict[int, SyncOutcome] = {}
        answered: list[PolledSnapshot] = []
        unreachable: list[UnreachablePoll] = []
        for receiver, poll in zip(receivers, self._poller.poll_all(receivers), strict=True):
            reply = poll.reply
            if isinstance(reply, ReceiverSnapshot):
                next_at = poll.started + next_poll_after(receiver.poll_interval, poll.duration_ms)
                answered.append(PolledSnapshot(receiver, reply, next_at, poll.duration_ms))
                outcomes[receiver.pk] = SyncOutcome(
                    receiver_id=receiver.pk, status=SyncStatus.SYNCED, duration_ms=poll.duration_ms
                )
            elif isinstance(reply, DeviceError | UnknownProtocolError):
                unreachable.append(self._unreachable(receiver, poll, reply))
                outcomes[receiver.pk] = SyncOutcome(
                    receiver_id=receiver.pk,
                    status=SyncStatus.OFFLINE,
                    detail=reply.message,
                    duration_ms=poll.duration_ms,
                    error_code=reply.code,
                )
            else:
                outcomes[receiver.pk] = SyncOutcome(
                    receiver_id=receiver.pk,
                    status=SyncStatus.ERROR,
                    detail=repr(reply),
                    duration_ms=poll.duration_ms,
                    error_code="driver_crashed",
                )
        recovered = [p.receiver for p in answered if p.receiver.consecutive_failures]
        vanished = set(self._devices.polls_apply(answered=answered, unreachable=unreachable))
        for receiver_id in vanished:
            outcomes[receiver_id] = SyncOutcome(
                receiver_id=receiver_id,
                status=SyncStatus.NOT_FOUND,
                detail="deleted while it was polled",
                error_code=NotFoundError.code,
            )
        for receiver in recovered:
            if receiver.pk not in vanished:
                log.info("receiver_recovered", receiver_id=receiver.pk, venue=receiver.venue.slug)
        return outcomes

    def _unreachable(
        self, receiver: Receiver, poll: Poll, error: DeviceError | UnknownProtocolError
    ) -> UnreachablePoll:
        wait = backoff_seconds(
            poll_interval=receiver.poll_interval,
            failures=receiver.consecutive_failures + 1,
            cap=self._max_backoff,
        )
        log.warning(
            "receiver_unreachable",
            receiver_id=receiver.pk,
            venue=receiver.venue.slug,
            error=error.message,
            code=error.code,
            retry_in_s=wait,
        )
        return UnreachablePoll(receiver, error.message, poll.started + timedelta(seconds=wait))

    # --- the per-venue dispatcher -----------------------------------------------------

    def venue_dispatch(self, *, venue_id: int) -> ServiceResult[DispatchStats]:
        """Queue the venue's due receivers; a failure (another dispatcher runs, the venue is
        gone) is an ordinary outcome under beat, so it is a failed result, not an error."""
        # This venue's dispatch message has been consumed: beat may send the next one.
        self._locks.forget_many([keys.dispatch_queued(venue_id)])
        key = keys.dispatch_lock(venue_id)
        token = self._locks.acquire(key, ttl_seconds=DISPATCH_LOCK_SECONDS)
        if token is None:
            return ServiceResult.failure(
                "locked", "another dispatcher is running for this venue", DispatchStats(venue_id)
            )
        try:
            with Renewal(
                self._locks,
                key,
                token,
                ttl_seconds=DISPATCH_LOCK_SECONDS,
                max_seconds=DISPATCH_MAX_SECONDS,
            ) as renewal:
                return ServiceResult.success(self._dispatch(venue_id, renewal))
        except NotFoundError as error:
            log.warning("dispatch_unknown_venue", venue_id=venue_id)
            return ServiceResult.from_error(error, DispatchStats(venue_id))
        finally:
            self._locks.release(key, token)

    def _dispatch(self, venue_id: int, renewal: Renewal) -> DispatchStats:
        began = self._clock.monotonic()
        now = self._clock.now()
        venue = Venue.objects.only("slug", "queue_name").filter(pk=venue_id).first()
        if venue is None:
            raise NotFoundError(f"venue {venue_id} does not exist (run micboard_schedules)")
        due = list(
            Receiver.objects.filter(venue_id=venue_id, enabled=True)
            .filter(Q(next_sync_at__lte=now) | Q(next_sync_at__isnull=True))
            .order_by("next_sync_at")
            .values_list("pk", "poll_interval", "next_sync_at", "consecutive_failures")[
                : self._dispatch_batch
            ]
        )
        by_interval: dict[int, list[int]] = defaultdict(list)
        late = 0
        for pk, interval, next_sync_at, _ in due:
            by_interval[interval].append(pk)
            if next_sync_at is not None and now - next_sync_at > timedelta(seconds=interval):
                late += 1
        # Push each due receiver one interval ahead: a lost message is retried, never doubled.
        # The rows are locked in ascending pk, as every multi-row write locks them, within
        # the one statement (sliced so the subquery keeps its ORDER BY). FOR UPDATE needs a
        # transaction: a worker runs in autocommit (no savepoint when already inside one).
        with transaction.atomic(savepoint=False):
            for interval, pks in by_interval.items():
                in_order = Receiver.objects.select_for_update().filter(pk__in=pks).order_by("pk")
                Receiver.objects.filter(pk__in=in_order[: len(pks)]).update(
                    next_sync_at=now + timedelta(seconds=interval)
                )
        # A receiver whose lock is held is still being synced: don't queue a second sync.
        held = self._locks.held_many([keys.receiver_lock(row[0]) for row in due])
        free = [row for row, locked in zip(due, held, strict=True) if not locked]
        requests = self._messages(venue, free)
        if not renewal.still_held():
            # Stalled past the lock's expiry: another dispatcher may have queued these.
            log.warning("dispatch_lock_lost", venue=venue.slug, due=len(due))
            requests = []
        enqueued = self._enqueuer.enqueue_syncs(requests)
        stats = DispatchStats(
            venue_id=venue_id,
            due=len(due),
            enqueued=enqueued,
            late=late,
            duration_ms=round((self._clock.monotonic() - began) * 1000),
            skipped_locked=len(due) - len(free),
        )
        DispatchCycle.objects.create(
            venue_id=venue_id,
            started_at=now,
            due=stats.due,
            enqueued=stats.enqueued,
            skipped_locked=stats.skipped_locked,
            late=stats.late,
            duration_ms=stats.duration_ms,
        )
        if due:
            log.debug(
                "dispatched",
                venue=venue.slug,
                due=stats.due,
                late=stats.late,
                messages=len(requests),
            )
        return stats

    def _messages(
        self, venue: Venue, due: list[tuple[int, int, datetime | None, int]]
    ) -> list[SyncRequest]:
        """Batches of one poll interval each. Receivers that failed their last poll get
        batches of their own: their device timeouts never hold back a healthy one's data,
        and they wait out those timeouts side by side rather than one worker thread each."""
        groups: dict[tuple[int, bool], list[int]] = defaultdict(list)
        for pk, interval, _, failures in due:
            groups[(interval, failures > 0)].append(pk)
        size = self._receivers_per_message
        return [
            SyncRequest(
                tuple(pks[i : i + size]),
                venue.slug,
                venue.queue_name,
                expires_seconds=float(interval),
            )
            for (interval, _), pks in groups.items()
            for i in range(0, len(pks), size)
        ]

    # --- operator resyncs -------------------------------------------------------------

    def receivers_resync(
        self, *, receiver_ids: list[int], requested_by: str, actor: Actor | None = None
    ) -> ResyncReport:
        """Queue a priority sync per receiver, at most one pending per receiver.

        A request while one is queued joins it (coalesced); while one runs, it queues at
        most one more; and each receiver's resyncs run ``RESYNC_SPACING_SECONDS`` apart."""
        wanted = list(dict.fromkeys(receiver_ids))
        receivers = list(
            Receiver.objects.filter(pk__in=wanted)
            .select_related("venue")
            .only("pk", "enabled", "poll_interval", "venue__slug", "venue__queue_name")
        )
        found = {r.pk for r in receivers}
        enabled = [r for r in receivers if r.enabled]
        claims = self._locks.claim_many(
            [keys.resync_pending(r.pk) for r in enabled], ttl_seconds=RESYNC_PENDING_SECONDS
        )
        fresh = [r for r, claimed in zip(enabled, claims, strict=True) if claimed]
        if fresh:
            Receiver.objects.filter(pk__in=[r.pk for r in fresh]).update(
                resync_requested_at=self._clock.now(), resync_requested_by=requested_by[:150]
            )
        waits = self._locks.space_out_many(
            [keys.resync_recent(r.pk) for r in fresh],
            now=self._clock.now().timestamp(),
            spacing=RESYNC_SPACING_SECONDS,
        )
        self._enqueuer.enqueue_syncs(
            [
                SyncRequest(
                    (r.pk,),
                    r.venue.slug,
                    r.venue.queue_name,
                    expires_seconds=float(RESYNC_PENDING_SECONDS),
                    priority=PRIORITY_RESYNC,
                    reason="resync",
                    countdown=wait,
                )
                for r, wait in zip(fresh, waits, strict=True)
            ]
        )
        report = ResyncReport(
            requested=len(wanted),
            enqueued=[r.pk for r in fresh],
            already_pending=[
                r.pk for r, claimed in zip(enabled, claims, strict=True) if not claimed
            ],
            disabled=[r.pk for r in receivers if not r.enabled],
            missing=[pk for pk in wanted if pk not in found],
            deferred=[r.pk for r, wait in zip(fresh, waits, strict=True) if wait > 0],
        )
        audit_resync(
            actor=actor or Actor(requested_by), receivers=receivers, enqueued=report.enqueued
        )
        log.info(
            "resync_requested",
            requested_by=requested_by,
            enqueued=len(report.enqueued),
            coalesced=report.coalesced,
            deferred=len(report.deferred),
        )
        return report
