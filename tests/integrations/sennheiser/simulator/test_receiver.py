"""What a simulated receiver answers to requests it cannot serve."""

from __future__ import annotations

import json

from micboard.integrations.sennheiser.families import EW_DX
from micboard.integrations.sennheiser.simulator.receiver import SimulatedReceiver


def test_an_unknown_address_is_refused_with_404_beside_the_known_ones() -> None:
    receiver = SimulatedReceiver(EW_DX, 2)
    (answer,) = receiver.answer(b'{"rx9":{"name":null},"mates":{"tx1":{"mute":null}}}')
    assert json.loads(answer) == {
        "mates": {"tx1": {"mute": False}},
        "osc": {"error": [{"rx9": {"name": [404]}}]},
    }


def test_a_request_that_is_not_json_gets_no_answer() -> None:
    assert SimulatedReceiver(EW_DX, 2).answer(b"{not json") == []


def test_a_truncated_answer_is_cut_short() -> None:
    receiver = SimulatedReceiver(EW_DX, 2)
    receiver.faults.truncated = True
    (answer,) = receiver.answer(b'{"mates":{"tx1":{"mute":null}}}')
    assert answer == b'{"mates":{"tx1":'  # half of {"mates":{"tx1":{"mute":false}}}
