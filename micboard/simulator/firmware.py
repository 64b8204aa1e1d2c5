"""Firmware variations met in the field, switched on per receiver before a fleet starts.

A variation names a ``Behaviour`` switch (``no_get_all``, ``line_commands``...) and the
receivers it applies to: indexes, model names, or every receiver. It comes from a scenario
file's ``firmware`` key or from ``--firmware NAME[=RECEIVERS]`` on the command line.
"""

from __future__ import annotations

from collections.abc import Sequence

from micboard.integrations.shure.simulator import VARIATIONS
from micboard.simulator.devices import SimulatedDevice
from micboard.simulator.scenario_file import Variation
from micboard.simulator.selection import select_receivers

DESCRIPTIONS = {
    "line_commands": "reads commands line by line: one is seen only once its line ends",
    "no_all_channels": "ignores GET 0 ALL (answers GET n ALL per channel)",
    "no_get_all": "ignores every GET ALL; answers each value's own GET",
    "no_model": "never reports MODEL and ignores GET MODEL",
    "crlf_replies": "ends every message it sends with CR LF",
}


def parse_variation(text: str) -> Variation:
    """``no_get_all``, ``no_get_all=0,3`` or ``no_model=QLXD4``; raises ``ValueError``."""
    name, _, chosen = text.partition("=")
    name = name.strip()
    if name not in VARIATIONS:
        raise ValueError(f"{name!r} is not a firmware variation (known: {', '.join(VARIATIONS)})")
    if not chosen.strip() or chosen.strip() == "all":
        return Variation(name)
    receivers: list[int | str] = []
    for item in (part.strip() for part in chosen.split(",")):
        if not item:
            raise ValueError(f"{text!r}: an empty receiver in the list")
        receivers.append(int(item) if item.isdigit() else item.upper())
    return Variation(name, tuple(receivers))


def apply_variations(variations: Sequence[Variation], receivers: Sequence[SimulatedDevice]) -> None:
    """Switch each variation on for its receivers; raises ``ScenarioError`` for a receiver
    the fleet does not have."""
    for variation in variations:
        for receiver in select_receivers(
            variation.receivers, receivers, f"firmware {variation.name}"
        ):
            receiver.configure(**{variation.name: True})
