"""Scenario files: the format, its validation errors and the timeline that plays them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from micboard.integrations.shure.fleet import Fleet
from micboard.integrations.shure.simulator import GarbageMode
from micboard.simulator import (
    ALL_FAMILIES_MODELS,
    FAMILY_NAMES,
    ScenarioError,
    demo_models,
    demo_specs,
    load_scenario,
    models_of_families,
)
from micboard.simulator.scenario_file import Event, parse_duration
from micboard.simulator.timeline import Timeline
from tests.waiting import wait_for

GOOD = """\
fleet:
  count: 4
  models: [ULXD4D, UR4D]
  seed: 3
  tick: 500ms
events:
  - scenario: rf_dropout
    receivers: [0]
    channel: 2
    at: 30s
    for: 5s
    every: 1m
  - {scenario: rename, receivers: UR4D, channel: 1, name: HH99 Guest}
  - {scenario: latency, seconds: 1.5}
"""


def write(tmp_path: Path, text: str, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_yaml_scenario_reads_into_fleet_options_and_events(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, GOOD))

    assert (scenario.fleet.count, scenario.fleet.models) == (4, ("ULXD4D", "UR4D"))
    assert (scenario.fleet.seed, scenario.fleet.tick) == (3, 0.5)
    assert scenario.events[0] == Event(
        scenario="rf_dropout", receivers=(0,), channel=2, at=30.0, every=60.0, duration=5.0
    )
    assert scenario.events[1].receivers == ("UR4D",)
    assert scenario.events[1].params == {"name": "HH99 Guest"}
    assert scenario.events[2].params == {"seconds": 1.5}


def test_json_scenarios_read_the_same(tmp_path: Path) -> None:
    data = {"events": [{"scenario": "offline", "receivers": [1], "at": "2s", "for": "1s"}]}

    scenario = load_scenario(write(tmp_path, json.dumps(data, indent=2), "plan.json"))

    assert scenario.events == (Event("offline", (1,), None, 2.0, None, 1.0),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fleet:\n  cuont: 3\n", "plan.yaml line 2: fleet.cuont: unknown key"),
        ("events:\n  - scenario: offline\n    at: soon\n", "line 3: events[0].at: 'soon' is not a"),
        ("events:\n  - scenario: explode\n", "line 2: events[0].scenario: 'explode' is not a"),
        ("events:\n  - scenario: rename\n", "line 2: events[0]: rename needs 'name'"),
        ("events:\n  - scenario: flapping\n", "events[0]: flapping needs 'every'"),
        ("events:\n  - {scenario: offline, receivers: [-1]}\n", "events[0].receivers[0]: receiver"),
        ("events:\n  - scenario: offline\n    colour: red\n", "line 3: events[0].colour: unknown"),
        ("fleet:\n  count: 0\n", "line 2: fleet.count: 0 is not a whole number of at least 1"),
        ("events: {scenario: offline}\n", "events: must be a list"),
        ("events:\n  - [oops\n", "plan.yaml line 3"),
        ("events:\n  - scenario: packet_loss\n    share: 2\n", "events[0].share: must be between"),
        ("fleet: 3\n", "plan.yaml line 1: fleet: must be a mapping"),
        ("fleet:\n  models: 7\n", "fleet.models: must be a list of model names"),
        ("fleet:\n  drain: -1\n", "fleet.drain: -1 is not a number of at least 0"),
        ("events:\n  - 3\n", "events[0]: must be a mapping with at least a scenario"),
        ("events:\n  - {scenario: offline, receivers: [1.5]}\n", "must be a receiver index"),
        ("events:\n  - {scenario: offline, at: true}\n", "events[0].at: is not a duration"),
        ("events:\n  - {scenario: offline, at: -2}\n", "events[0].at: is negative"),
        ("events:\n  - {scenario: rename, name: ' '}\n", "events[0].name: must be a non-empty"),
        ("events:\n  - {scenario: frequency, khz: [1]}\n", "events[0].khz: [1] is not a number"),
        ("events:\n  - {scenario: frequency, khz: -5}\n", "khz: must be a whole number, 0 or"),
    ],
)
def test_bad_files_say_where_and_why(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write(tmp_path, text))

    assert message in str(caught.value)


def test_an_empty_file_is_an_empty_scenario(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, ""))

    assert (scenario.fleet.count, scenario.events) == (None, ())


def test_models_may_be_one_comma_separated_text_and_numbers_may_be_whole(tmp_path: Path) -> None:
    text = (
        "fleet:\n  models: ulxd4d, UR4D\n  drain: 2\n"
        "events:\n  - {scenario: frequency, khz: 570125}\n"
        "  - {scenario: battery_drain, every: 1m}\n"
    )

    scenario = load_scenario(write(tmp_path, text))

    assert (scenario.fleet.models, scenario.fleet.drain) == (("ULXD4D", "UR4D"), 2.0)
    assert scenario.events[0].params == {"khz": 570125}
    assert scenario.events[1].params == {}


def test_an_unreadable_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"missing.yaml: cannot read"):
        load_scenario(tmp_path / "missing.yaml")


def test_bad_json_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"plan.json line 2: not valid JSON"):
        load_scenario(write(tmp_path, '{\n  "events": [,]\n}', "plan.json"))


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30.0), ("500ms", 0.5), ("2m", 120.0), ("1h", 3600.0), (4, 4.0)]
)
def test_durations(text: str | int, seconds: float) -> None:
    assert parse_duration(text) == seconds


def test_demo_specs_take_a_family_mix() -> None:
    every_family = set(demo_models(models=ALL_FAMILIES_MODELS))

    assert len(FAMILY_NAMES) == 10
    assert {m for m in models_of_families(["all"])} == every_family
    assert models_of_families(["UHF-R"]) == ("UR4S", "UR4D")
    assert [s.model for s in demo_specs(3, families=["SLX-D"])] == ["SLXD4", "SLXD4D", "SLXD4Q+"]
    assert models_of_families(["Digital 6000"]) == ("EM6000",)
    with pytest.raises(ValueError, match="unknown family 'NOPE'"):
        models_of_families(["nope"])


def test_the_timeline_applies_undoes_and_repeats_events() -> None:
    with Fleet(demo_specs(2, models=["ULXD4D", "UR4S"]), battery_drain=0, seed=1) as fleet:
        first, second = fleet.receivers
        timeline = Timeline(
            [
                Event("garbage_only", receivers=(1,), at=0.0, duration=0.3),
                Event("rename", receivers=("ULXD4D",), channel=2, params={"name": "77 Cover"}),
                Event(
                    "battery_drain", receivers=(0,), channel=1, every=0.1, params={"minutes": 50}
                ),
            ],
            fleet.receivers,
        )
        before = first.channel_values(1)["BATT_RUN_TIME"]
        timeline.start()
        try:
            wait_for(lambda: second.garbage is GarbageMode.ONLY, timeout=2, what="the fault")
            wait_for(lambda: second.garbage is GarbageMode.OFF, timeout=2, what="its undo")
            wait_for(lambda: "77 Cover" in first.channel_values(2)["CHAN_NAME"], timeout=2)
            wait_for(lambda: first.channel_values(1)["BATT_RUN_TIME"] < before, timeout=2)
        finally:
            timeline.stop()


def test_events_naming_what_the_fleet_lacks_are_refused() -> None:
    with Fleet(demo_specs(1, models=["ULXD4"]), battery_drain=0) as fleet:
        with pytest.raises(ScenarioError, match="receiver 3 does not exist"):
            Timeline([Event("offline", receivers=(3,))], fleet.receivers)
        with pytest.raises(ScenarioError, match="no UR4D in the fleet"):
            Timeline([Event("offline", receivers=("UR4D",))], fleet.receivers)
        with pytest.raises(ScenarioError, match="has no channel 2"):
            Timeline([Event("rf_dropout", channel=2)], fleet.receivers)
