from __future__ import annotations

import socket
from pathlib import Path

import pytest
from django.conf import settings

from micboard.devtools.broker import (
    BrokerAddress,
    BrokerUnavailableError,
    ensure_daemon,
    main,
    prepare_redis_server,
    redis_answers,
    redis_server_command,
    wait_until_answers,
)
from tests.ports import free_port


def test_address_from_url() -> None:
    assert BrokerAddress.from_url("redis://10.1.2.3:6380/2") == BrokerAddress("10.1.2.3", 6380)
    assert BrokerAddress.from_url("redis://") == BrokerAddress("127.0.0.1", 6379)


def test_the_running_redis_answers_and_is_used_as_is(tmp_path: Path) -> None:
    address = BrokerAddress.from_url(settings.REDIS_URL)
    assert redis_answers(address)
    assert ensure_daemon(settings.REDIS_URL, tmp_path).startswith("Redis answers")
    assert main(["--url", settings.REDIS_URL, "--state-dir", str(tmp_path)]) == 0


def test_a_closed_port_does_not_answer() -> None:
    address = BrokerAddress("127.0.0.1", free_port())
    assert not redis_answers(address, timeout=0.2)
    assert not wait_until_answers(address, seconds=0.3)


def test_a_remote_broker_that_does_not_answer_is_not_replaced() -> None:
    with pytest.raises(BrokerUnavailableError, match="does not answer"):
        prepare_redis_server(BrokerAddress("192.0.2.1", 6379))
    assert main(["--url", "redis://192.0.2.1:6379/0"]) == 1


def test_a_private_server_starts_on_loopback_and_answers(tmp_path: Path) -> None:
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    message = ensure_daemon(url, tmp_path)
    try:
        assert f"127.0.0.1:{port}" in message
        assert redis_answers(BrokerAddress("127.0.0.1", port))
    finally:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
            conn.sendall(b"SHUTDOWN NOSAVE\r\n")


def test_server_command_binds_loopback_only(tmp_path: Path) -> None:
    command = redis_server_command(BrokerAddress("127.0.0.1", 6390), tmp_path, daemonize=False)
    assert command[command.index("--bind") + 1] == "127.0.0.1"
    assert command[command.index("--port") + 1] == "6390"
    assert command[command.index("--daemonize") + 1] == "no"
