"""TCP transport of a simulated receiver: one listener, one ``TcpPeer`` per client."""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import Sequence
from typing import TYPE_CHECKING

from micboard.integrations.shure.codec import FrameDecoder, Message
from micboard.integrations.shure.simulator.faults import garble
from micboard.integrations.shure.simulator.streams import Endpoint, Peer

if TYPE_CHECKING:
    from micboard.integrations.shure.simulator.receiver import SimulatedReceiver

READ_SIZE = 4096
LISTEN_BACKLOG = 64
SPLIT_MAX_BYTES = 8
SPLIT_PAUSE = 0.0005


class TcpEndpoint(Endpoint):
    def __init__(self, receiver: SimulatedReceiver) -> None:
        super().__init__(receiver)
        self._listener: socket.socket | None = None
        self._handlers: set[asyncio.Task[None]] = set()

    async def open(self, host: str, port: int) -> int:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        listener = socket.create_server((host, port), family=family, backlog=LISTEN_BACKLOG)
        listener.setblocking(False)
        self._listener = listener
        asyncio.get_running_loop().add_reader(listener, self._accept, listener)
        port_: int = listener.getsockname()[1]
        return port_

    def close(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            asyncio.get_running_loop().remove_reader(listener)
            listener.close()
        for peer in list(self._receiver.peers):
            peer.close()

    def _accept(self, listener: socket.socket) -> None:
        """Accept every waiting client (a reader callback, not ``asyncio.Server``: in
        Python 3.11 that leaks a socket accepted just as the server closes)."""
        while True:
            try:
                client, _ = listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except ConnectionAbortedError:
                continue
            handler = asyncio.create_task(self._serve(client))
            self._handlers.add(handler)
            handler.add_done_callback(self._handlers.discard)

    async def _serve(self, client: socket.socket) -> None:
        # Once this first step ran, the transport owns the socket and closes it on cancel.
        reader, writer = await asyncio.open_connection(sock=client)
        peer = TcpPeer(self._receiver, reader, writer)
        if self._listener is None:  # went offline while the connection opened
            peer.close()
            return
        self._receiver.peers.add(peer)
        try:
            await peer.serve()
        finally:
            self._receiver.peers.discard(peer)


class TcpPeer(Peer):
    """One client connection: answers its commands, carries pushes and its meters."""

    def __init__(
        self,
        receiver: SimulatedReceiver,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        super().__init__(receiver.meter_messages)
        self._receiver = receiver
        self._reader = reader
        self._writer = writer
        self._decoder = FrameDecoder(receiver.family.dialect.framing)
        self._write_lock = asyncio.Lock()
        self._line = bytearray()

    def _readable(self, data: bytes) -> bytes:
        """What the firmware has read of ``data``: all of it, or under ``line_commands``
        only the lines ended so far (the rest waits for its line end)."""
        if not self._receiver.behaviour.line_commands and not self._line:
            return data
        self._line += data
        end = self._line.rfind(b"\n") + 1
        lines = bytes(self._line[:end])
        del self._line[:end]
        return lines

    @property
    def closing(self) -> bool:
        return self._writer.is_closing()

    async def serve(self) -> None:
        try:
            while data := await self._reader.read(READ_SIZE):
                commands = self._decoder.feed_with_errors(self._readable(data))
                self._receiver.record(commands)
                behaviour = self._receiver.behaviour
                if commands and behaviour.latency > 0:
                    await asyncio.sleep(behaviour.latency)  # once per read, like a slow network
                answers = [self._receiver.answer(command, self) for command in commands]
                if behaviour.batch:
                    answers = [[reply for replies in answers for reply in replies]]
                for replies in answers:
                    if replies:
                        await self.send(replies, reply=True)
        except ConnectionError:
            pass
        finally:
            self.close()

    def close(self, *, abort: bool = False) -> None:
        self.stop_tasks()
        if abort:
            sock = self._writer.get_extra_info("socket")
            if sock is not None and sock.fileno() >= 0:  # linger 0: a reset, not a goodbye
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self._writer.transport.abort()
        else:
            self._writer.close()

    async def send(self, messages: Sequence[Message], *, reply: bool) -> None:
        receiver = self._receiver
        behaviour = receiver.behaviour
        if behaviour.silent:
            return
        dialect = receiver.family.dialect
        end = b"\r\n" if behaviour.crlf_replies else b""
        cut_last = reply and behaviour.close_before_last
        if cut_last:
            messages = messages[:-1]
        frames = [dialect.encode(message) + end for message in messages]
        payload = garble(frames, behaviour.garbage, receiver.rng, dialect.framing)
        hang_up = reply and (behaviour.close_mid_reply or behaviour.reset_mid_reply)
        if hang_up:
            payload = payload[: len(payload) // 2]
        try:
            async with self._write_lock:
                await self._write(payload, split=behaviour.split_segments)
        except ConnectionError:
            hang_up = True
        if hang_up or cut_last:
            self.close(abort=behaviour.reset_mid_reply)

    async def _write(self, payload: bytes, *, split: bool) -> None:
        if self._writer.is_closing():
            return
        if not split:
            self._writer.write(payload)
            await self._writer.drain()
            return
        rng = self._receiver.rng
        position = 0
        while position < len(payload) and not self._writer.is_closing():
            size = rng.randint(1, SPLIT_MAX_BYTES)
            self._writer.write(payload[position : position + size])
            await self._writer.drain()
            await asyncio.sleep(SPLIT_PAUSE)
            position += size
