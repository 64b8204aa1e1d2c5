from __future__ import annotations

import pytest

from micboard.exceptions import DeviceError, DeviceUnreachableError
from micboard.integrations.base import Driver, DriverRegistry
from micboard.integrations.shure.driver import ShureTcpDriver
from micboard.integrations.shure.fleet import Fleet
from micboard.integrations.shure.values import UnknownModelError
from tests.integrations.shure.conftest import MODELS


def test_is_a_driver_for_the_shure_tcp_protocol() -> None:
    driver = ShureTcpDriver()

    assert isinstance(driver, Driver)
    assert DriverRegistry([driver]).get("shure-tcp") is driver


@pytest.mark.parametrize(
    ("model", "channels"), [("ULXD4", 1), ("ULXD4D", 2), ("ULXD4Q", 4), ("QLXD4", 1)]
)
def test_channel_count_comes_from_the_catalogue(model: str, channels: int) -> None:
    assert ShureTcpDriver().channel_count(model) == channels


def test_an_unknown_model_is_a_clear_device_error() -> None:
    with pytest.raises(
        UnknownModelError, match="unknown Shure TCP receiver model 'SLXD4'"
    ) as caught:
        ShureTcpDriver().channel_count("SLXD4")

    assert isinstance(caught.value, DeviceError)


@pytest.mark.parametrize("index", range(len(MODELS)), ids=MODELS)
def test_polls_each_model_with_its_catalogued_channel_count(fleet: Fleet, index: int) -> None:
    driver = ShureTcpDriver()
    receiver = fleet.receiver(index)

    snapshot = driver.poll(receiver.address(), channels=driver.channel_count(receiver.model))

    assert snapshot.model == receiver.model
    assert [channel.name for channel in snapshot.channels] == [
        channel.name for channel in receiver.spec.channels
    ]


def test_poll_failures_are_device_errors(fleet: Fleet) -> None:
    receiver = fleet.receiver(0)
    receiver.online = False

    with pytest.raises(DeviceUnreachableError):
        ShureTcpDriver().poll(receiver.address(0.5), channels=1)
