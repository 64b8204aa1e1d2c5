"""UDP transport of a simulated UHF-R receiver: one socket, one ``UdpPeer`` per address.

Each reply message goes out as its own datagram. An address that asked for metering keeps
getting samples and change reports; any other is forgotten once answered. The fault
switches add what networks do to datagrams: loss, duplicates, reordering;
``close_mid_reply`` cuts them short.
Taking the receiver offline closes the socket, so the kernel answers "port unreachable".
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Sequence
from typing import TYPE_CHECKING

from micboard.integrations.shure.codec import FrameDecoder, Message
from micboard.integrations.shure.simulator.faults import garble_datagrams
from micboard.integrations.shure.simulator.ports import bound_udp_socket
from micboard.integrations.shure.simulator.streams import Endpoint, Peer

if TYPE_CHECKING:
    from micboard.integrations.shure.simulator.receiver import SimulatedReceiver

Address = tuple[str, int]


class UdpEndpoint(Endpoint, asyncio.DatagramProtocol):
    def __init__(self, receiver: SimulatedReceiver) -> None:
        super().__init__(receiver)
        self._transport: asyncio.DatagramTransport | None = None
        self._other_port: socket.socket | None = None
        self._peers: dict[Address, UdpPeer] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def open(self, host: str, port: int) -> int:
        sock = bound_udp_socket(host, port)
        sock.setblocking(False)
        loop = asyncio.get_running_loop()
        self._transport, _ = await loop.create_datagram_endpoint(lambda: self, sock=sock)
        bound: int = sock.getsockname()[1]
        return bound

    def close(self) -> None:
        transport, self._transport = self._transport, None
        for peer in list(self._peers.values()):
            peer.close()
        for task in self._tasks:
            task.cancel()
        if transport is not None:
            transport.abort()
        if self._other_port is not None:
            self._other_port.close()
            self._other_port = None

    def datagram_received(self, data: bytes, addr: Address) -> None:
        if self._transport is None:
            return
        peer = self._peers.get(addr)
        if peer is None:
            peer = self._peers[addr] = UdpPeer(self._receiver, self, addr)
            self._receiver.peers.add(peer)
        peer.pending += 1
        task = asyncio.create_task(peer.answer(data))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def send(self, datagram: bytes, addr: Address) -> None:
        if self._transport is None or self._transport.is_closing():
            return
        if not self._receiver.behaviour.reply_from_another_port:
            self._transport.sendto(datagram, addr)
            return
        if self._other_port is None:
            bound = self._transport.get_extra_info("sockname")
            family = socket.AF_INET6 if ":" in bound[0] else socket.AF_INET
            self._other_port = socket.socket(family, socket.SOCK_DGRAM)
            self._other_port.bind((bound[0], 0))
            self._other_port.setblocking(False)
        with contextlib.suppress(BlockingIOError):  # a full buffer drops it, like a network
            self._other_port.sendto(datagram, addr)

    def forget(self, peer: UdpPeer) -> None:
        self._peers.pop(peer.addr, None)
        self._receiver.peers.discard(peer)


class UdpPeer(Peer):
    def __init__(self, receiver: SimulatedReceiver, endpoint: UdpEndpoint, addr: Address) -> None:
        super().__init__(receiver.meter_messages)
        self._receiver = receiver
        self._endpoint = endpoint
        self.addr = addr
        self.pending = 0
        """Datagrams from this address still to be answered."""
        self._closed = False

    @property
    def closing(self) -> bool:
        return self._closed

    async def answer(self, datagram: bytes) -> None:
        decoder = FrameDecoder(self._receiver.family.dialect.framing)
        commands = decoder.feed_with_errors(datagram)
        decoder.flush()
        self._receiver.record(commands)
        latency = self._receiver.behaviour.latency
        if commands and latency > 0:
            await asyncio.sleep(latency)
        replies = [reply for command in commands for reply in self._receiver.answer(command, self)]
        if replies:
            await self.send(replies, reply=True)
        self.pending -= 1
        if not self.metering and not self.pending:
            self.close()  # a poll's address is used once: pushes go to meter subscribers

    def close(self, *, abort: bool = False) -> None:
        self.stop_tasks()
        self._closed = True
        self._endpoint.forget(self)

    async def send(self, messages: Sequence[Message], *, reply: bool) -> None:
        receiver = self._receiver
        behaviour = receiver.behaviour
        if behaviour.silent or self._closed:
            return
        rng, dialect = receiver.rng, receiver.family.dialect
        datagrams = [
            datagram
            for message in messages
            for datagram in garble_datagrams(
                dialect.encode(message), behaviour.garbage, rng, dialect.framing
            )
        ]
        if reply and (behaviour.close_mid_reply or behaviour.reset_mid_reply):
            datagrams = [datagram[: len(datagram) // 2] for datagram in datagrams]
        if behaviour.reorder:
            rng.shuffle(datagrams)
        for datagram in datagrams:
            if behaviour.loss and rng.random() < behaviour.loss:
                continue
            for _ in range(2 if behaviour.duplicate else 1):
                self._endpoint.send(datagram, self.addr)
