"""A real SMTP server on loopback (aiosmtpd) that keeps every message it receives."""

from __future__ import annotations

import email
import threading
import time
from email.message import Message
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller

from tests.ports import free_port


class _Keeper:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.arrivals: list[float] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=default))
            self.arrivals.append(time.time())
        return "250 OK"


class MailServer:
    """Listens on 127.0.0.1:``port`` between ``start`` and ``stop``; may be started again."""

    def __init__(self, port: int = 0) -> None:
        self.port = port or free_port()
        self._keeper = _Keeper()
        self._controller: Controller | None = None

    def start(self) -> MailServer:
        self._controller = Controller(self._keeper, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[Message]:
        with self._keeper.lock:
            return list(self._keeper.messages)

    def arrived(self) -> list[tuple[float, Message]]:
        """Each message with the wall-clock time it was received."""
        with self._keeper.lock:
            return list(zip(self._keeper.arrivals, self._keeper.messages, strict=True))
