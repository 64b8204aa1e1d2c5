"""The default registry: one driver per Shure dialect, and the protocol for a model."""

from __future__ import annotations

import pytest

from micboard.exceptions import UnknownProtocolError
from micboard.integrations.registry import default_registry


def test_every_shure_dialect_has_a_driver() -> None:
    assert default_registry().protocols == (
        "shure-axient",
        "shure-psm1000",
        "shure-slxd",
        "shure-tcp",
        "shure-uhfr",
    )


@pytest.mark.parametrize(
    ("model", "protocol"),
    [
        ("ULXD4Q", "shure-tcp"),
        ("qlxd4", "shure-tcp"),
        ("SLXD4D", "shure-slxd"),
        ("AD4Q", "shure-axient"),
        ("UR4D", "shure-uhfr"),
        ("P10T", "shure-psm1000"),
        ("XLR9", None),
    ],
)
def test_protocol_for_model(model: str, protocol: str | None) -> None:
    assert default_registry().protocol_for_model(model) == protocol


def test_each_driver_counts_only_its_own_models() -> None:
    registry = default_registry()

    assert registry.get("shure-uhfr").channel_count("UR4D") == 2
    with pytest.raises(UnknownProtocolError):
        registry.get("shure-udp")
