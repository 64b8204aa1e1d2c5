"""Firmware variations: the command-line form, the scenario file's key, and their effect."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from micboard.integrations.base import DeviceAddress
from micboard.integrations.shure.driver import ShureDriver
from micboard.integrations.shure.simulator import VARIATIONS
from micboard.simulator import ScenarioError, load_scenario, plan_simulation
from micboard.simulator.__main__ import main
from micboard.simulator.firmware import DESCRIPTIONS, parse_variation
from micboard.simulator.scenario_file import Variation
from tests.simulator.test_cli import Simulator, run  # noqa: F401 - the fixture
from tests.simulator.test_scenario_file import write


@pytest.mark.parametrize(
    ("text", "variation"),
    [
        ("no_get_all", Variation("no_get_all")),
        ("no_model=all", Variation("no_model")),
        ("line_commands=0,3", Variation("line_commands", (0, 3))),
        ("crlf_replies=qlxd4,2", Variation("crlf_replies", ("QLXD4", 2))),
    ],
)
def test_the_command_line_form(text: str, variation: Variation) -> None:
    assert parse_variation(text) == variation


@pytest.mark.parametrize(
    ("text", "message"),
    [("no_gets", "'no_gets' is not a firmware variation"), ("no_model=1,,2", "an empty receiver")],
)
def test_a_bad_command_line_form_says_why(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_variation(text)


def test_every_variation_is_described() -> None:
    assert set(DESCRIPTIONS) == set(VARIATIONS)


def test_the_scenario_file_key(tmp_path: Path) -> None:
    text = "firmware:\n  no_get_all: [0, QLXD4]\n  line_commands: all\n  no_model: 2\n"

    scenario = load_scenario(write(tmp_path, text))

    assert scenario.firmware == (
        Variation("no_get_all", (0, "QLXD4")),
        Variation("line_commands"),
        Variation("no_model", (2,)),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("firmware:\n  no_gets: all\n", "line 2: firmware.no_gets: unknown key (known: crlf"),
        ("firmware:\n  no_model: [-1]\n", "firmware.no_model[0]: receiver indexes start at 0"),
        ("firmware: [no_model]\n", "firmware: must be a mapping"),
    ],
)
def test_a_bad_scenario_key_says_where_and_why(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write(tmp_path, text))

    assert message in str(caught.value)


def test_file_and_options_add_up_per_receiver(tmp_path: Path) -> None:
    plan = write(tmp_path, "firmware: {no_model: [QLXD4]}\n")

    simulation = plan_simulation(
        models=["ULXD4", "QLXD4"],
        scenario=plan,
        firmware=[Variation("no_get_all", (0,))],
    )

    first, second = (r.behaviour for r in simulation.receivers)
    assert (first.no_get_all, first.no_model) == (True, False)
    assert (second.no_get_all, second.no_model) == (False, True)


@pytest.mark.parametrize(
    ("option", "message"),
    [("no_model=5", "receiver 5 does not exist (the fleet has 1)"), ("no_model=UR4D", "no UR4D")],
)
def test_a_receiver_the_fleet_lacks_is_refused(
    capsys: pytest.CaptureFixture[str], option: str, message: str
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--models", "QLXD4", "--firmware", option])

    assert caught.value.code == 2
    assert message in capsys.readouterr().err


def test_a_simulator_without_get_all_is_read_by_single_gets(run: type[Simulator]) -> None:  # noqa: F811
    simulator = run("--models", "QLXD4", "--firmware", "no_get_all", "--json", "--drain", "0")
    (receiver,) = [json.loads(line) for line in simulator.lines(1)]
    address = DeviceAddress(receiver["host"], receiver["port"], 2.0)

    snapshot = ShureDriver("shure-tcp").poll(address, channels=1)

    assert snapshot.diagnostics.request_form == "param"
    assert snapshot.device_id == receiver["device_id"]
    assert simulator.stop(signal.SIGTERM) == 0
