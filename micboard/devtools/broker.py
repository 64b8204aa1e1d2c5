"""Make sure a Redis broker answers: use ``REDIS_URL``, else start a private one on loopback.

``python -m micboard.devtools.broker`` prints what it did and exits non-zero with one line
saying how to get a broker when none can be had.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_URL = "redis://127.0.0.1:6379/0"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True, slots=True)
class BrokerAddress:
    host: str
    port: int

    @classmethod
    def from_url(cls, url: str) -> BrokerAddress:
        parts = urlsplit(url)
        return cls(parts.hostname or "127.0.0.1", parts.port or 6379)


class BrokerUnavailableError(RuntimeError):
    """No Redis answers and none can be started here."""


def redis_answers(address: BrokerAddress, timeout: float = 1.0) -> bool:
    """True when a Redis server at ``address`` replies to PING."""
    try:
        with socket.create_connection((address.host, address.port), timeout=timeout) as conn:
            conn.settimeout(timeout)
            conn.sendall(b"PING\r\n")
            reply = conn.recv(64)
    except OSError:
        return False
    return reply.startswith((b"+PONG", b"-NOAUTH"))


def wait_until_answers(address: BrokerAddress, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if redis_answers(address, timeout=0.5):
            return True
        time.sleep(0.1)
    return False


def _can_install_packages() -> bool:
    return shutil.which("apt-get") is not None and os.geteuid() == 0


def install_redis_server() -> None:
    print("redis-server is not installed: installing Debian's redis-server package", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)  # noqa: S607
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "redis-server"],  # noqa: S607
        check=True,
        env=env,
    )


def redis_server_command(address: BrokerAddress, state_dir: Path, *, daemonize: bool) -> list[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise BrokerUnavailableError("redis-server is not installed")
    state_dir.mkdir(parents=True, exist_ok=True)
    return [
        binary,
        "--bind", "127.0.0.1", "-::1",
        "--port", str(address.port),
        "--save", "",
        "--appendonly", "no",
        "--dir", str(state_dir),
        "--logfile", str(state_dir / "redis.log") if daemonize else "",
        "--daemonize", "yes" if daemonize else "no",
    ]  # fmt: skip


def prepare_redis_server(address: BrokerAddress) -> None:
    """Install redis-server if it is missing and allowed; raise if a broker cannot be had."""
    if address.host not in LOOPBACK:
        raise BrokerUnavailableError(
            f"REDIS_URL points at {address.host}:{address.port}, which does not answer; "
            "start that Redis or unset REDIS_URL to use a private one"
        )
    if shutil.which("redis-server") is None:
        if not _can_install_packages():
            raise BrokerUnavailableError(
                "no Redis answers and redis-server is not installed: "
                "install it (apt-get install redis-server) or set REDIS_URL"
            )
        install_redis_server()


def ensure_daemon(url: str, state_dir: Path) -> str:
    """Return what was done; leaves a private daemon running when one was needed."""
    address = BrokerAddress.from_url(url)
    if redis_answers(address):
        return f"Redis answers at {address.host}:{address.port}"
    prepare_redis_server(address)
    subprocess.run(  # noqa: S603
        redis_server_command(address, state_dir, daemonize=True), check=True
    )
    if not wait_until_answers(address, seconds=10):
        raise BrokerUnavailableError(
            f"started redis-server on port {address.port} but it does not answer"
        )
    return f"started a private redis-server on 127.0.0.1:{address.port} (state in {state_dir})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default=os.environ.get("REDIS_URL", DEFAULT_URL))
    parser.add_argument("--state-dir", type=Path, default=Path("var/redis"))
    args = parser.parse_args(argv)
    try:
        print(ensure_daemon(args.url, args.state_dir.resolve()))
    except (BrokerUnavailableError, subprocess.CalledProcessError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
