"""What every client of a simulated receiver has: metering streams and a way to send."""

from __future__ import annotations

import abc
import asyncio
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from micboard.integrations.shure.codec import Message

if TYPE_CHECKING:
    from micboard.integrations.shure.simulator.receiver import SimulatedReceiver

MAX_PENDING_PUSHES = 64


class Peer(abc.ABC):
    """One client (a TCP connection, or a UDP address): answers, pushes and meters."""

    def __init__(self, sample: Callable[[int, float], list[Message]]) -> None:
        self._sample = sample
        self._meters: dict[int, asyncio.Task[None]] = {}
        self._pushes: set[asyncio.Task[None]] = set()

    @abc.abstractmethod
    async def send(self, messages: Sequence[Message], *, reply: bool) -> None:
        """Send messages, through the receiver's fault switches."""

    @property
    @abc.abstractmethod
    def closing(self) -> bool: ...

    @abc.abstractmethod
    def close(self, *, abort: bool = False) -> None:
        """Hang up: flush what is queued first, or with ``abort`` drop it."""

    def push(self, messages: Sequence[Message]) -> None:
        """Send unsolicited messages, unless the client has stopped reading."""
        if len(self._pushes) >= MAX_PENDING_PUSHES or self.closing:
            return
        task = asyncio.create_task(self.send(messages, reply=False))
        self._pushes.add(task)
        task.add_done_callback(self._pushes.discard)

    def set_meter(self, channel: int, interval: float | None) -> None:
        """Stream ``channel``'s meters every ``interval`` seconds; ``None`` stops them."""
        previous = self._meters.pop(channel, None)
        if previous is not None:
            previous.cancel()
        if interval:
            self._meters[channel] = asyncio.create_task(self._meter(channel, interval))

    @property
    def metering(self) -> bool:
        return bool(self._meters)

    def stop_tasks(self) -> None:
        for task in [*self._meters.values(), *self._pushes]:
            task.cancel()
        self._meters.clear()

    async def _meter(self, channel: int, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            await self.send(self._sample(channel, interval), reply=False)


class Endpoint(abc.ABC):
    """Where a simulated receiver listens: a TCP listener or a UDP socket."""

    def __init__(self, receiver: SimulatedReceiver) -> None:
        self._receiver = receiver

    @abc.abstractmethod
    async def open(self, host: str, port: int) -> int:
        """Start listening; returns the port (the OS picks one for port 0)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Stop listening and hang up on every client."""
