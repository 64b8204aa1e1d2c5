"""A blocking, deadline-bounded TCP conversation with one receiver.

One poll: connect, send the family's request (``GET 0 ALL`` then the model, or one ``GET``
per value), read until the reply is complete, close. The whole conversation, connect
included, fits in ``DeviceAddress.timeout``. The client never sends ``METER_RATE``, so it
can never leave metering switched on behind it (QLX-D firmware can lock up when that
happens); values pushed by the device on its own (REPs on change, SAMPLEs another client
asked for) are taken as the newest.
"""

from __future__ import annotations

import socket

from micboard.exceptions import (
    DeviceError,
    DeviceTimeoutError,
    DeviceUnreachableError,
    ProtocolError,
)
from micboard.integrations.base import ReceiverSnapshot
from micboard.integrations.shure.client.conversation import Conversation

READ_SIZE = 4096


class TcpConversation(Conversation):
    def run(self) -> ReceiverSnapshot:
        request = b"".join(self.family.dialect.encode(c) for c in self.reply.missing())
        with self._connect() as sock:
            self._send(sock, request)
            while not self.reply.complete:
                self.absorb(self.decoder.feed(self._receive(sock)))
        return self.result()

    def _connect(self) -> socket.socket:
        host, port = self.address.host, self.address.port
        try:
            return socket.create_connection((host, port), timeout=self.remaining())
        except TimeoutError:
            raise self.error(
                DeviceTimeoutError,
                f"could not connect to {self.endpoint} within {self.address.timeout} s",
            ) from None
        except ConnectionRefusedError:
            raise self.error(
                DeviceUnreachableError, f"{self.endpoint} refused the connection"
            ) from None
        except OSError as error:
            reason = error.strerror or str(error)
            raise self.error(
                DeviceUnreachableError, f"cannot reach {self.endpoint}: {reason}"
            ) from None

    def _send(self, sock: socket.socket, data: bytes) -> None:
        try:
            sock.settimeout(self.remaining())
            sock.sendall(data)
        except TimeoutError:
            raise self.timeout() from None
        except OSError as error:
            raise self._closed(f"failed ({error.strerror or error})") from None

    def _receive(self, sock: socket.socket) -> bytes:
        try:
            sock.settimeout(self.remaining())
            data = sock.recv(READ_SIZE)
        except TimeoutError:
            raise self.timeout() from None
        except OSError as error:
            raise self._closed(f"failed ({error.strerror or error})") from None
        if not data:
            raise self._closed("was closed by the device")
        return data

    def _closed(self, reason: str) -> DeviceError:
        return self.error(
            ProtocolError,
            f"connection to {self.endpoint} {reason} before a complete reply "
            f"({self.reply.progress()}){self.garbage_note()}",
        )
