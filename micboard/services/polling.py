"""Talking to receivers: one poll through its driver, or many at once on a thread pool."""

from __future__ import annotations

import contextvars
import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

import structlog
from structlog.contextvars import bound_contextvars

from micboard.exceptions import DeviceAuthenticationError, DeviceError, UnknownProtocolError
from micboard.infrastructure.clock import Clock
from micboard.infrastructure.secret_box import SecretBox, UndecryptableSecretError
from micboard.integrations.base import DeviceAddress, DriverRegistry, ReceiverSnapshot
from micboard.models import Receiver

log = structlog.get_logger(__name__)

FORM_RECHECK_SECONDS = 3600
"""How often a receiver's remembered request form is forgotten for one poll (ADR 0021)."""
FORM_RECHECK_SPREAD_SECONDS = 997
"""Each receiver's recheck is offset by this many seconds per pk, so a fleet's are spread."""


def remembered_form(receiver: Receiver, now: datetime) -> str:
    """The request form to hand the driver: the remembered one, except for the one poll in
    each ``FORM_RECHECK_SECONDS`` that falls in the receiver's window, which hands "" so the
    driver starts with its richest form again (firmware may have gained it). A receiver
    already on that form is asked the same way either way: healthy polls cost nothing."""
    phase = (now.timestamp() + receiver.pk * FORM_RECHECK_SPREAD_SECONDS) % FORM_RECHECK_SECONDS
    return "" if phase < receiver.poll_interval else receiver.request_form


@dataclass(frozen=True, slots=True)
class Poll:
    """One poll's answer: a snapshot, the device's error, or a driver's crash."""

    started: datetime
    duration_ms: int
    reply: ReceiverSnapshot | DeviceError | UnknownProtocolError | Exception


class ReceiverPoller:
    """Polls receivers through their drivers; a batch runs ``concurrency`` exchanges at once,
    on a pool of the calling thread's own.

    Device conversations spend their time waiting on the network, so a few threads keep a
    batch as slow as its slowest receiver rather than the sum of them all."""

    def __init__(
        self,
        *,
        registry: DriverRegistry,
        clock: Clock,
        device_timeout: float,
        concurrency: int,
        secrets: SecretBox | None = None,
    ) -> None:
        self._registry = registry
        self._secrets = secrets
        self._clock = clock
        self._device_timeout = device_timeout
        self._concurrency = max(1, concurrency)
        self._local = threading.local()

    def rounds(self, receivers: int) -> int:
        """How many device conversations, one after another, a batch may wait through."""
        return max(1, math.ceil(receivers / self._concurrency))

    def poll_all(self, receivers: list[Receiver]) -> list[Poll]:
        """One ``Poll`` per receiver, in order."""
        if len(receivers) <= 1 or self._concurrency == 1:
            return [self.poll(r) for r in receivers]
        pool = self._thread_pool()
        # Each poll runs in a copy of this context, so its log lines keep the task's fields.
        futures = [pool.submit(contextvars.copy_context().run, self.poll, r) for r in receivers]
        return [future.result() for future in futures]

    def poll(self, receiver: Receiver) -> Poll:
        started, began = self._clock.now(), self._clock.monotonic()
        reply: ReceiverSnapshot | DeviceError | UnknownProtocolError | Exception
        with bound_contextvars(receiver_id=receiver.pk):
            try:
                address = self._address(receiver)
                driver = self._registry.get(receiver.protocol)
                reply = driver.poll(
                    address,
                    channels=receiver.channel_count,
                    request_form=remembered_form(receiver, started),
                )
            except (DeviceError, UnknownProtocolError) as error:
                reply = error
            except Exception as error:  # one driver bug must not sink a whole batch
                log.exception("driver_crashed", receiver_id=receiver.pk)
                reply = error
        return Poll(started, round((self._clock.monotonic() - began) * 1000), reply)

    def _address(self, receiver: Receiver) -> DeviceAddress:
        """Where to reach the receiver, with its password decrypted and its pinned
        certificate, for the protocols that use them."""
        password = ""
        if receiver.device_password:
            if self._secrets is None:
                raise DeviceAuthenticationError("no encryption keys to read the device password")
            try:
                password = self._secrets.decrypt(receiver.device_password)
            except UndecryptableSecretError as error:
                raise DeviceAuthenticationError(
                    f"the device password cannot be decrypted: {error.message}"
                ) from None
        return DeviceAddress(
            receiver.host,
            receiver.port,
            self._device_timeout,
            password=password,
            pinned_certificate=receiver.certificate_sha256,
        )

    def _thread_pool(self) -> ThreadPoolExecutor:
        """This thread's pool: batches that run side by side (one per worker thread) never
        wait for each other's conversations. Threads do not survive a fork, so a prefork
        child builds its own."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.pool = ThreadPoolExecutor(self._concurrency, thread_name_prefix="poll")
            local.pid = os.getpid()
        pool: ThreadPoolExecutor = local.pool
        return pool
