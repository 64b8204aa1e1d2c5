"""Subscriptions with a lifetime over UDP, in the form of SpeechLine guide sections 5 and
8.11 and the Digital 6000 guide's section 11.57."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from micboard.integrations.sennheiser.families import DIGITAL_6000, SPEECHLINE_MCR, Family
from micboard.integrations.sennheiser.simulator.receiver import SimulatedReceiver


@pytest.fixture
def client() -> Iterator[socket.socket]:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(3.0)
        yield sock


TRANSCRIPTS = Path(__file__).parents[1] / "transcripts"


def printed(name: str, section: str) -> object:
    """The subscription echo the guide prints in ``section`` (``transcripts/<name>.yaml``)."""
    exchanges = yaml.safe_load((TRANSCRIPTS / f"{name}.yaml").read_text())["exchanges"]
    (echo,) = [
        reply
        for exchange in exchanges
        if exchange["section"].startswith(f"{section} ")
        for reply in exchange.get("receive", [])
        if '"subscribe"' in reply
    ]
    return json.loads(echo)


def parameters(echo: object) -> object:
    assert isinstance(echo, dict)
    return echo["osc"]["state"]["subscribe"][0]["#"]


def started(family: Family, channels: int) -> SimulatedReceiver:
    return SimulatedReceiver(family, channels, port=0).start()


def receive(sock: socket.socket) -> object:
    return json.loads(sock.recvfrom(8192)[0])


def test_a_subscription_is_echoed_answered_notified_and_ended_after_its_lifetime(
    client: socket.socket,
) -> None:
    receiver = started(SPEECHLINE_MCR, 2)
    try:
        request = (
            b'{"osc":{"state":{"subscribe":[{"#":{"lifetime":1},"rx1":{"mute_state":null}}]}}}'
        )
        client.sendto(request, ("127.0.0.1", receiver.port))
        assert parameters(printed("speechline_rack", "8.11")) == {"lifetime": 2000}
        assert receive(client) == json.loads(request)  # 8.11: the request echoed as sent
        assert receive(client) == {"rx1": {"mute_state": False}}
        began = time.monotonic()
        receiver.set_mute(1, True)
        assert receive(client) == {"rx1": {"mute_state": True}}  # "Parameter value changes"
        ended = receive(client)
        assert ended == {"osc": {"error": [{"rx1": {"mute_state": [310]}}]}}
        assert 0.5 < time.monotonic() - began < 2.0
        client.settimeout(0.3)
        receiver.set_mute(1, False)
        with pytest.raises(TimeoutError):
            client.recvfrom(8192)  # no notification once the lifetime has ended
    finally:
        receiver.stop()


def test_the_digital_6000_echo_fills_in_the_parameters(client: socket.socket) -> None:
    receiver = started(DIGITAL_6000, 2)
    try:
        request = b'{"osc":{"state":{"subscribe":[{"rx1":{"active_warnings":null}}]}}}'
        client.sendto(request, ("127.0.0.1", receiver.port))
        echo = receive(client)
        assert parameters(echo) == parameters(printed("digital6000", "11.57"))
        assert isinstance(echo, dict)
        assert echo["osc"]["state"]["subscribe"][0]["rx1"] == {"active_warnings": None}
        assert receive(client) == {"rx1": {"active_warnings": []}}
    finally:
        receiver.stop()


def test_min_sends_unchanged_values_periodically(client: socket.socket) -> None:
    receiver = started(SPEECHLINE_MCR, 2)
    try:
        request = (
            b'{"osc":{"state":{"subscribe":[{"#":{"min":200,"lifetime":5},'
            b'"rx2":{"mute_state":null}}]}}}'
        )
        client.sendto(request, ("127.0.0.1", receiver.port))
        replies = [receive(client) for _ in range(4)]  # echo, initial, then periodic
        assert replies[1:] == [{"rx2": {"mute_state": False}}] * 3
    finally:
        receiver.stop()
