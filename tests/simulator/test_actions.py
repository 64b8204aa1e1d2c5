"""Scenario actions: each change to a simulated device, and its undo."""

from __future__ import annotations

from micboard.integrations.shure.fleet import Fleet
from micboard.simulator import demo_specs
from micboard.simulator.actions import ACTIONS


def shown(values: dict[str, str]) -> tuple[str, str]:
    """What these actions change; meters move on their own."""
    return values["CHAN_NAME"], values["FREQUENCY"]


def test_a_rename_is_cut_to_the_names_the_family_holds() -> None:
    """As on the receiver's front panel: a ULX-D name is 8 characters."""
    with Fleet(demo_specs(1, models=["ULXD4"]), battery_drain=0, seed=2) as fleet:
        (receiver,) = fleet.receivers
        ACTIONS["rename"].apply(receiver, [1], {"name": "BP12 Guest"})
        assert receiver.channel_values(1)["CHAN_NAME"] == "{BP12 Gue}"


def test_rename_and_retune_are_undone_to_the_receivers_own_values() -> None:
    with Fleet(demo_specs(1, models=["ULXD4D"]), battery_drain=0, seed=2) as fleet:
        (receiver,) = fleet.receivers
        before = [shown(receiver.channel_values(c)) for c in (1, 2)]

        ACTIONS["rename"].apply(receiver, [1, 2], {"name": "12 Guest"})
        ACTIONS["frequency"].apply(receiver, [2], {"khz": 612125})
        renamed = [receiver.channel_values(c) for c in (1, 2)]
        for action in (ACTIONS["rename"], ACTIONS["frequency"]):
            assert action.revert is not None
            action.revert(receiver, [1, 2], {})

        assert all(values["CHAN_NAME"] == "{12 Guest}" for values in renamed)
        assert renamed[1]["FREQUENCY"] == "612125"
        assert renamed[0]["FREQUENCY"] == before[0][1]
        assert [shown(receiver.channel_values(c)) for c in (1, 2)] == before
