"""Fleet simulator: simulated receivers on loopback ports for demos and tests.

Run ``python -m micboard.simulator --help``.
"""

from __future__ import annotations

from micboard.integrations.shure.specs import ReceiverSpec, receiver_spec

DEMO_MODELS = ("ULXD4Q", "ULXD4D", "ULXD4", "QLXD4", "ULXD4D", "QLXD4", "ULXD4Q", "ULXD4")


def demo_specs(count: int = len(DEMO_MODELS)) -> list[ReceiverSpec]:
    """The demo venue: ULX-D and QLX-D receivers with 1, 2 and 4 channels, deterministic."""
    return specs_for_models(DEMO_MODELS, count)


def specs_for_models(models: tuple[str, ...] | list[str], count: int) -> list[ReceiverSpec]:
    """``count`` receivers taking ``models`` round-robin."""
    return [receiver_spec(models[i % len(models)], i) for i in range(count)]


__all__ = ["DEMO_MODELS", "demo_specs", "specs_for_models"]
