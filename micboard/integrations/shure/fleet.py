"""Many simulated receivers in one background thread with its own event loop::

with Fleet([receiver_spec("ULXD4Q"), receiver_spec("QLXD4", 1)], battery_drain=0) as fleet:
    snapshot = ShureDriver("shure-tcp").poll(fleet.receiver(0).address(), channels=4)
    fleet.receiver(1).silent = True  # from any thread

Receivers share one host (ports ``base_port + i``, or OS-chosen), or each has an address
of its own (``addresses``: ``127.0.0.2:2202``, ``127.0.0.3:2202``... as on a venue LAN).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
import threading
from collections.abc import Sequence
from types import TracebackType

from micboard.integrations.shure.families import Transport
from micboard.integrations.shure.simulator import SimulatedReceiver
from micboard.integrations.shure.simulator.ports import hold_udp_port
from micboard.integrations.shure.specs import ReceiverSpec

START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
TICK_SLICE = 250
"""Receivers ticked between two turns of the event loop."""
Address = tuple[str, int]
NOT_LOCAL_HINT = " (the address is not on this machine; Linux routes all of 127.0.0.0/8 to lo)"


class Fleet:
    """Receivers on ``host`` at ports ``base_port + i`` (OS-assigned when ``base_port`` is
    0), or each at its own ``addresses[i]``. Every receiver has an address no other has.

    Every ``tick_interval`` seconds batteries drain by ``battery_drain`` simulated minutes
    (0 keeps batteries still, which tests want) and meters move a step of that many
    seconds (``meters_move=False`` keeps them still between metering SAMPLEs). ``seed``
    makes the meters and the fault timing repeatable.
    """

    def __init__(
        self,
        specs: Sequence[ReceiverSpec],
        *,
        host: str = "127.0.0.1",
        base_port: int = 0,
        addresses: Sequence[Address] | None = None,
        tick_interval: float = 1.0,
        battery_drain: float = 1.0,
        meters_move: bool = True,
        seed: int | None = None,
    ) -> None:
        if addresses is not None:
            check_addresses(addresses, len(specs))
        self.host = host
        self.base_port = base_port
        self.addresses = None if addresses is None else tuple(addresses)
        self.tick_interval = tick_interval
        self.battery_drain = battery_drain
        self.meter_step = tick_interval if meters_move else 0.0
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
        try:
            await self._listen()
        except Exception as error:  # start() raises it again in the caller's thread
            self._failure = error
        if self._failure is None:
            ticker = asyncio.create_task(self._tick())
            self._ready.set()
            await stopping.wait()
            ticker.cancel()
        await asyncio.gather(*(receiver.stop() for receiver in self.receivers))
        await _finish_other_tasks()

    async def _listen(self) -> None:
        """Open every receiver's socket; raises the first ``OSError``, naming its address."""
        if self.addresses is not None:
            await _start_all(self.receivers, self.addresses)
        elif self.base_port:
            ports = range(self.base_port, self.base_port + len(self.receivers))
            await _start_all(self.receivers, [(self.host, port) for port in ports])
        else:
            await self._listen_on_free_ports()

    async def _listen_on_free_ports(self) -> None:
        await _start_all(self.receivers, [(self.host, 0)] * len(self.receivers))
        await self._separate_udp_ports()

    async def _separate_udp_ports(self) -> None:
        """The OS numbers ports per transport, so a UDP receiver may get a TCP receiver's
        number. Such a receiver is moved to a new port while its old number stays held,
        so the OS never hands that number out again: every round ends clashes for good."""
        tcp = {r.port for r in self.receivers if r.family.transport is Transport.TCP}
        held: list[socket.socket] = []
        try:
            while clashing := [
                r for r in self.receivers if r.family.transport is Transport.UDP and r.port in tcp
            ]:
                for receiver in clashing:
                    port = receiver.port
                    await receiver.stop()
                    held += hold_udp_port(self.host, port)
                    await _start(receiver, self.host, 0)
        finally:
            for sock in held:
                sock.close()

    async def _tick(self) -> None:
        """Every receiver each ``tick_interval``, a slice at a time, so a poll arriving during
        a tick of a large fleet waits for one slice rather than for the whole fleet."""
        while True:
            await asyncio.sleep(self.tick_interval)
            for start in range(0, len(self.receivers), TICK_SLICE):
                for receiver in self.receivers[start : start + TICK_SLICE]:
                    receiver.tick(self.battery_drain, seconds=self.meter_step)
                await asyncio.sleep(0)


def check_addresses(addresses: Sequence[Address], count: int) -> None:
    """Raises ``ValueError`` unless there is one address per receiver, none repeated."""
    if len(addresses) != count:
        raise ValueError(f"{len(addresses)} addresses for {count} receivers")
    first: dict[Address, int] = {}
    for index, (host, port) in enumerate(addresses):
        if not 0 < port < 65536:
            raise ValueError(f"receiver {index}: port {port} is not 1-65535")
        earlier = first.setdefault((host, port), index)
        if earlier != index:
            raise ValueError(f"receivers {earlier} and {index} both listen on {host}:{port}")


async def _start_all(receivers: Sequence[SimulatedReceiver], addresses: Sequence[Address]) -> None:
    results = await asyncio.gather(
        *(_start(r, host, port) for r, (host, port) in zip(receivers, addresses, strict=True)),
        return_exceptions=True,
    )
    failure = next((r for r in results if isinstance(r, BaseException)), None)
    if failure is not None:
        raise failure


async def _start(receiver: SimulatedReceiver, host: str, port: int) -> None:
    try:
        await receiver.start(host, port)
    except OSError as error:
        where = f"{host}:{port}" if port else host
        hint = NOT_LOCAL_HINT if error.errno == errno.EADDRNOTAVAIL else ""
        raise OSError(
            error.errno,
            f"cannot listen on {where} ({receiver.family.transport.value}): "
            f"{error.strerror or error}{hint}",
        ) from error


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
