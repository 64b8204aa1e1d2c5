"""The default registry: one driver per Shure dialect and Sennheiser family, and the
protocol for a model."""

from __future__ import annotations

import pytest

from micboard.exceptions import UnknownProtocolError
from micboard.integrations.base import ModelDescription
from micboard.integrations.registry import default_registry
from micboard.integrations.shure.families import MODELS
from micboard.models import ReceiverFamily


def test_every_shure_dialect_and_sennheiser_family_has_a_driver() -> None:
    assert default_registry().protocols == (
        "sennheiser-ssc-d6000",
        "sennheiser-ssc-ewdx",
        "sennheiser-ssc-sldw",
        "sennheiser-ssc-slmcrdw",
        "sennheiser-sscv2-ewdx",
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
    described = default_registry().describe(model)
    assert (described.protocol if described else None) == protocol


def test_each_driver_counts_only_its_own_models() -> None:
    registry = default_registry()

    assert registry.get("shure-uhfr").describe("UR4D").channels == 2
    with pytest.raises(UnknownProtocolError):
        registry.get("shure-udp")


def test_a_model_is_described_by_family_id_name_channels_and_protocol() -> None:
    assert default_registry().describe("ad4q") == ModelDescription(
        model="AD4Q", family="AD", family_name="Axient Digital", channels=4, protocol="shure-axient"
    )


@pytest.mark.parametrize("model", MODELS)
def test_every_family_id_and_name_is_the_one_receivers_store(model: str) -> None:
    described = default_registry().describe(model)
    assert described is not None
    assert ReceiverFamily(described.family).label == described.family_name


def test_an_ewdx_is_described_as_udp_unless_ssc_v2_is_chosen() -> None:
    registry = default_registry()
    described = registry.describe("EW-DX-EM-2")
    assert described is not None
    assert described.protocol == "sennheiser-ssc-ewdx"
    assert registry.get("sennheiser-sscv2-ewdx").describe("EW-DX-EM-2").channels == 2
