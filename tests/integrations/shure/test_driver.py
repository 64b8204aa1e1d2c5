from __future__ import annotations

import pytest

from micboard.exceptions import DeviceError, DeviceUnreachableError
from micboard.integrations.base import Driver, DriverRegistry
from micboard.integrations.shure.driver import ShureDriver
from micboard.integrations.shure.families import UnknownModelError
from micboard.integrations.shure.fleet import Fleet
from tests.integrations.shure.conftest import MODELS


def test_is_a_driver_for_the_shure_tcp_protocol() -> None:
    driver = ShureDriver("shure-tcp")

    assert isinstance(driver, Driver)
    assert DriverRegistry([driver]).get("shure-tcp") is driver


@pytest.mark.parametrize(
    ("model", "channels"), [("ULXD4", 1), ("ULXD4D", 2), ("ULXD4Q", 4), ("QLXD4", 1)]
)
def test_channel_count_comes_from_the_catalogue(model: str, channels: int) -> None:
    assert ShureDriver("shure-tcp").describe(model).channels == channels


def test_an_unknown_model_is_a_clear_device_error() -> None:
    with pytest.raises(UnknownModelError, match="SLXD4 is not a shure-tcp model") as caught:
        ShureDriver("shure-tcp").describe("SLXD4")

    assert isinstance(caught.value, DeviceError)


@pytest.mark.parametrize("index", range(len(MODELS)), ids=MODELS)
def test_polls_each_model_with_its_catalogued_channel_count(fleet: Fleet, index: int) -> None:
    driver = ShureDriver("shure-tcp")
    receiver = fleet.receiver(index)

    snapshot = driver.poll(receiver.address(), channels=driver.describe(receiver.model).channels)

    assert snapshot.model == receiver.model
    assert [channel.name for channel in snapshot.channels] == [
        channel.name for channel in receiver.spec.channels
    ]


def test_poll_failures_are_device_errors(fleet: Fleet) -> None:
    receiver = fleet.receiver(0)
    receiver.online = False

    with pytest.raises(DeviceUnreachableError):
        ShureDriver("shure-tcp").poll(receiver.address(0.5), channels=1)
