"""The suite's TCP proxy: forwarding, a hard reset, and a blackhole that only timeouts end."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest

from tests.tcp_proxy import TcpProxy


@pytest.fixture
def echo() -> Iterator[tuple[str, int]]:
    server = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

    def answer(conn: socket.socket) -> None:
        with contextlib.suppress(OSError), conn:
            while data := conn.recv(1024):
                conn.sendall(data)

    threading.Thread(target=serve, daemon=True).start()
    yield server.getsockname()[:2]
    server.close()


def ask(port: int, timeout: float = 1.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(b"ping")
        return sock.recv(1024)


def test_blackhole_accepts_and_never_answers_then_restores(echo: tuple[str, int]) -> None:
    with TcpProxy(echo) as proxy:
        assert ask(proxy.port) == b"ping"
        open_one = socket.create_connection(("127.0.0.1", proxy.port), timeout=0.3)
        proxy.blackhole()
        assert proxy.blackholed
        open_one.sendall(b"lost")  # acknowledged, never delivered
        with pytest.raises(TimeoutError):
            open_one.recv(1024)
        with pytest.raises(TimeoutError):
            ask(proxy.port, timeout=0.3)  # a new connection is accepted and left hanging
        proxy.restore()
        assert open_one.recv(1024) == b""  # the swallowed connection is dropped
        open_one.close()
        assert ask(proxy.port) == b"ping"


def test_cut_refuses_until_restored_on_the_same_port(echo: tuple[str, int]) -> None:
    with TcpProxy(echo) as proxy:
        port = proxy.port
        proxy.cut()
        with pytest.raises(ConnectionRefusedError):
            ask(port)
        proxy.restore()
        assert (proxy.port, ask(port)) == (port, b"ping")
