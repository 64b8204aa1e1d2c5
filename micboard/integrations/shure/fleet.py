"""Many simulated receivers in one background thread with its own event loop::

with Fleet([receiver_spec("ULXD4Q"), receiver_spec("QLXD4", 1)], battery_drain=0) as fleet:
    snapshot = ShureDriver("shure-tcp").poll(fleet.receiver(0).address(), channels=4)
    fleet.receiver(1).silent = True  # from any thread
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Sequence
from types import TracebackType

from micboard.integrations.shure.simulator import SimulatedReceiver
from micboard.integrations.shure.specs import ReceiverSpec

START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
PORT_TRIES = 10


class Fleet:
    """Receivers on loopback ports: ``base_port + i``, or OS-assigned when ``base_port`` is 0.

    Every ``tick_interval`` seconds batteries drain by ``battery_drain`` simulated minutes
    (0 keeps every value still, which tests want). ``seed`` makes the meters and the
    fault timing repeatable.
    """

    def __init__(
        self,
        specs: Sequence[ReceiverSpec],
        *,
        host: str = "127.0.0.1",
        base_port: int = 0,
        tick_interval: float = 1.0,
        battery_drain: float = 1.0,
        seed: int | None = None,
    ) -> None:
        self.host = host
        self.base_port = base_port
        self.tick_interval = tick_interval
        self.battery_drain = battery_drain
        self.receivers = [
            SimulatedReceiver(spec, seed=None if seed is None else f"{seed}:{i}")
            for i, spec in enumerate(specs)
        ]
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None

    def receiver(self, index: int) -> SimulatedReceiver:
        return self.receivers[index]

    def start(self, timeout: float = START_TIMEOUT) -> None:
        """Return once every receiver listens; raises if a port cannot be bound."""
        if self._thread is not None:
            raise RuntimeError("a Fleet starts only once")
        self._loop = asyncio.new_event_loop()
        self._stopping = asyncio.Event()
        self._thread = threading.Thread(
            target=self._run, args=(self._loop, self._stopping), name="micboard-fleet", daemon=True
        )
        self._thread.start()
        if not self._ready.wait(timeout):
            self.stop()
            raise TimeoutError(f"{len(self.receivers)} receivers did not start within {timeout} s")
        if self._failure is not None:
            self.stop()
            raise self._failure

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Close every socket and join the thread; raises if it does not end in time."""
        thread, loop, stopping = self._thread, self._loop, self._stopping
        if thread is None or loop is None or stopping is None:
            return
        if thread.is_alive():
            with contextlib.suppress(RuntimeError):  # the loop closed in the meantime
                loop.call_soon_threadsafe(stopping.set)
        thread.join(timeout)
        if thread.is_alive():
            raise TimeoutError(f"the fleet did not stop within {timeout} s")

    def __enter__(self) -> Fleet:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self, loop: asyncio.AbstractEventLoop, stopping: asyncio.Event) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._serve(stopping))
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
            self._ready.set()

    async def _serve(self, stopping: asyncio.Event) -> None:
        results = await asyncio.gather(
            *(
                receiver.start(self.host, self.base_port + i if self.base_port else 0)
                for i, receiver in enumerate(self.receivers)
            ),
            return_exceptions=True,
        )
        self._failure = next((r for r in results if isinstance(r, BaseException)), None)
        if self._failure is None and not self.base_port:
            await self._give_each_its_own_port()
        if self._failure is None:
            ticker = asyncio.create_task(self._tick())
            self._ready.set()
            await stopping.wait()
            ticker.cancel()
        await asyncio.gather(*(receiver.stop() for receiver in self.receivers))
        await _finish_other_tasks()

    async def _give_each_its_own_port(self) -> None:
        """The OS hands out ports per transport: a UDP receiver may get a number a TCP one
        has. Move such receivers to new ports, so every receiver has its own address."""
        for _ in range(PORT_TRIES):
            moving = clashing([receiver.port for receiver in self.receivers])
            if not moving:
                return
            for index in moving:
                await self.receivers[index].stop()
                await self.receivers[index].start(self.host, 0)
        self._failure = OSError(f"no distinct ports after {PORT_TRIES} tries")

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self.tick_interval)
            for receiver in self.receivers:
                receiver.tick(self.battery_drain)


def clashing(ports: Sequence[int]) -> list[int]:
    """Indexes of the ports an earlier entry already has."""
    seen: set[int] = set()
    repeats = []
    for index, port in enumerate(ports):
        if port in seen:
            repeats.append(index)
        seen.add(port)
    return repeats


async def _finish_other_tasks() -> None:
    """Cancel what still runs (connection handlers, pushes, meters) and let it end.

    Yield first: a connection handler cancelled before its first step would leave its
    socket open; after it, the handler's transport owns the socket and closes it.
    """
    await asyncio.sleep(0)
    tasks = asyncio.all_tasks() - {asyncio.current_task()}
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks, timeout=STOP_TIMEOUT)
    await asyncio.sleep(0)  # transports close their sockets in a callback
