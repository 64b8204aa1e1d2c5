"""A simulated EW-DX speaking SSC v2: HTTPS with basic authentication on its own address.

It answers ``GET /api/<SSC address>`` with the value as JSON (the resource layout the
client assumes, see ``sscv2/resources.py``), 401 without the user ``api`` and its password,
404 for an address it lacks (``faults.refuse`` names some), 424 for a transmitter's value
while none is present. Its faults: ``online=False`` closes every connection at once,
``silent`` accepts and never answers, ``latency`` answers late, ``garbage`` and
``truncated`` spoil the bodies, ``password`` can be changed, ``rotate_certificate()`` makes
a new self-signed certificate, as a replaced or reset device would.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import shutil
import socket
import ssl
import threading
import time
from collections.abc import Collection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from micboard.integrations.sennheiser.families import SSCV2_PORT, SSCV2_PROTOCOL, Family
from micboard.integrations.sennheiser.simulator.certificate import self_signed_pem, write_pair
from micboard.integrations.sennheiser.simulator.channel import Refused
from micboard.integrations.sennheiser.simulator.receiver import GARBAGE, SimulatedReceiver
from micboard.integrations.sennheiser.sscv2.resources import address_of

API_USER = "api"
DEFAULT_PASSWORD = "Simulated-EWDX-1"  # noqa: S105 (the simulator's, not a secret)
"""Meets Control Cockpit's rules: ten characters, lower and upper case, a digit, a sign."""


class SimulatedHttpsReceiver(SimulatedReceiver):
    """An EW-DX in SSC v2 mode; the values and scenario switches are the UDP receiver's."""

    transport = "https"

    def __init__(self, family: Family, channels: int, **options: Any) -> None:
        self.password = str(options.pop("password", DEFAULT_PASSWORD))
        options.setdefault("port", SSCV2_PORT)
        super().__init__(family, channels, **options)
        self.protocol = SSCV2_PROTOCOL
        self._server: _Server | None = None
        self._context = self._new_context()

    def _new_context(self) -> ssl.SSLContext:
        key_pem, certificate_pem = self_signed_pem(self.host, self.device_id)
        self.certificate_pem = certificate_pem
        key_file, certificate_file = write_pair(key_pem, certificate_pem)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        try:
            context.load_cert_chain(certificate_file, key_file)
        finally:
            shutil.rmtree(key_file.parent, ignore_errors=True)
        return context

    def rotate_certificate(self) -> None:
        """A new key and certificate for the connections that follow."""
        self._context = self._new_context()

    def start(self, avoid: Collection[int] = ()) -> SimulatedHttpsReceiver:
        server = _Server((self.host, self.port), _Handler, receiver=self)
        self.port = int(server.server_address[1])
        self._server = server
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        thread.name = f"sscv2-{self.port}"
        self._thread = thread
        thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def wrap(self, sock: socket.socket) -> ssl.SSLSocket:
        return self._context.wrap_socket(sock, server_side=True)

    def authorised(self, header: str) -> bool:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(token, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return user == API_USER and password == self.password

    def body_for(self, resource: str) -> tuple[int, bytes]:
        path = address_of(resource.partition("?")[0])
        result = self._value(path) if path is not None else Refused(404)
        if isinstance(result, Refused):  # the SSC error code as the status (an assumption)
            return result.code, b'{"error":%d}' % result.code
        body = json.dumps(result, separators=(",", ":")).encode()
        return 200, GARBAGE if self.faults.garbage else body


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type, *, receiver: Any) -> None:
        self.receiver: SimulatedHttpsReceiver = receiver
        super().__init__(address, handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        """The TLS handshake in the connection's own thread, with the current certificate."""
        receiver = self.receiver
        if not receiver.online:
            request.close()  # switched off: the connection goes nowhere
            return
        sock = request
        sock.settimeout(5)
        try:
            tls = receiver.wrap(sock)
        except (OSError, ssl.SSLError):
            return
        with contextlib.closing(tls):
            _Handler(tls, client_address, self)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 65536  # headers and body leave in one write (handle_one_request flushes)
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a simulator of hundreds of receivers must not flood its log."""

    def do_GET(self) -> None:
        receiver = self.server.receiver
        receiver.requests += 1
        faults = receiver.faults
        if faults.silent or not receiver.online:
            time.sleep(30)
            self.close_connection = True
            return
        if faults.latency:
            time.sleep(faults.latency)
        if not receiver.authorised(self.headers.get("Authorization", "")):
            self._send(401, b'{"error":"unauthorized"}', {"WWW-Authenticate": 'Basic realm="api"'})
            return
        status, body = receiver.body_for(self.path)
        self._send(status, body, {}, truncated=faults.truncated)

    def _send(
        self, status: int, body: bytes, headers: dict[str, str], *, truncated: bool = False
    ) -> None:
        """With ``truncated``, the connection ends halfway through the announced body."""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if truncated else body)
        self.close_connection = truncated
