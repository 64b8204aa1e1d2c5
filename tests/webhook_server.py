"""A real HTTP server on loopback that receives webhooks and checks their signature."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Delivery:
    body: dict[str, Any]
    headers: dict[str, str]
    signature_ok: bool
    at: float = 0.0
    """Wall-clock time it was received."""


def signature_ok(secret: str, headers: dict[str, str], raw: bytes) -> bool:
    """What a receiver does: HMAC-SHA256 of ``timestamp.body``, compared in constant time."""
    timestamp = headers.get("X-Micboard-Timestamp", "")
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + raw, hashlib.sha256)
    given = headers.get("X-Micboard-Signature", "")
    return hmac.compare_digest(f"sha256={expected.hexdigest()}", given)


class WebhookServer:
    """Answers each POST with the next status of ``statuses`` (then 200), keeping the 2xx ones."""

    def __init__(self, *, secret: str, statuses: list[int] | None = None) -> None:
        self.secret = secret
        self.hold: threading.Event | None = None
        """Set: the next POST is received, then left unanswered until the event is set."""
        self.held = threading.Event()
        self.statuses = list(statuses or [])
        self.received: list[Delivery] = []
        self.refused = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                hold, server.hold = server.hold, None
                if hold is not None:
                    server.held.set()
                    hold.wait(30)
                    return  # the client is gone: no answer
                status = server._next_status()
                if status < 300:
                    headers = dict(self.headers.items())
                    ok = signature_ok(server.secret, headers, raw)
                    with server._lock:
                        server.received.append(Delivery(json.loads(raw), headers, ok, time.time()))
                else:
                    server.refused += 1
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    def _next_status(self) -> int:
        with self._lock:
            return self.statuses.pop(0) if self.statuses else 200

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}/hook"

    def start(self) -> WebhookServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()
