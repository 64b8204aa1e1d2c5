"""Which receivers of a fleet a scenario entry names: indexes, model names, or all."""

from __future__ import annotations

from collections.abc import Sequence

from micboard.simulator.devices import SimulatedDevice
from micboard.simulator.scenario_file import ScenarioError


def select_receivers(
    selectors: Sequence[int | str] | None, receivers: Sequence[SimulatedDevice], what: str
) -> list[SimulatedDevice]:
    """The receivers ``selectors`` name, each once, in order (``None``: every receiver);
    raises ``ScenarioError`` naming ``what`` for one the fleet lacks."""
    if selectors is None:
        return list(receivers)
    chosen: list[SimulatedDevice] = []
    for selector in selectors:
        if isinstance(selector, int):
            if selector >= len(receivers):
                raise ScenarioError(
                    f"{what}: receiver {selector} does not exist (the fleet has {len(receivers)})"
                )
            chosen.append(receivers[selector])
            continue
        matching = [r for r in receivers if r.model == selector]
        if not matching:
            raise ScenarioError(f"{what}: no {selector} in the fleet")
        chosen.extend(matching)
    return list(dict.fromkeys(chosen))
