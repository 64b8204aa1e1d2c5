"""Sennheiser models pick their family and protocol through the default registry."""

from __future__ import annotations

import pytest

from micboard.exceptions import DeviceError
from micboard.integrations.base import DeviceAddress
from micboard.integrations.registry import default_registry
from micboard.integrations.sennheiser.families import FAMILIES
from micboard.models import ReceiverFamily
from tests.integrations.sennheiser.conftest import StartReceiver


@pytest.mark.parametrize(
    ("model", "family", "channels", "protocol"),
    [
        ("SL Rack Receiver DW", "SLDW", 1, "sennheiser-ssc-sldw"),
        ("SL MCR 2 DW", "SLMCRDW", 2, "sennheiser-ssc-slmcrdw"),
        ("sl-mcr-4-dw", "SLMCRDW", 4, "sennheiser-ssc-slmcrdw"),
        ("EM 6000", "D6000", 2, "sennheiser-ssc-d6000"),
        ("EW-DX EM 2", "EWDX", 2, "sennheiser-ssc-ewdx"),
        ("EW-DX EM 2 Dante", "EWDX", 2, "sennheiser-ssc-ewdx"),
        ("EW-DX EM 4 Dante", "EWDX", 4, "sennheiser-ssc-ewdx"),
    ],
)
def test_a_model_picks_family_and_protocol(
    model: str, family: str, channels: int, protocol: str
) -> None:
    description = default_registry().describe(model)
    assert description is not None
    assert (description.family, description.channels, description.protocol) == (
        family,
        channels,
        protocol,
    )


@pytest.mark.parametrize("model", [m for f in FAMILIES for m in f.models])
def test_every_family_id_and_name_is_the_one_receivers_store(model: str) -> None:
    described = default_registry().describe(model)
    assert described is not None
    assert ReceiverFamily(described.family).label == described.family_name


def test_a_driver_refuses_another_familys_model() -> None:
    driver = default_registry().get("sennheiser-ssc-ewdx")
    with pytest.raises(DeviceError, match="not a sennheiser-ssc-ewdx model"):
        driver.describe("EM 6000")
    with pytest.raises(DeviceError, match="not a Sennheiser SSC model"):
        driver.describe("EW-D EM")


def test_the_registered_driver_polls(start_receiver: StartReceiver) -> None:
    receiver = start_receiver("EM6000")
    driver = default_registry().get("sennheiser-ssc-d6000")
    snapshot = driver.poll(DeviceAddress("127.0.0.1", receiver.port, 2.0), channels=2)
    assert len(snapshot.channels) == 2
