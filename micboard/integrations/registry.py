"""The default driver registry: every vendor driver shipped with micboard."""

from __future__ import annotations

from micboard.integrations.base import DriverRegistry
from micboard.integrations.sennheiser.driver import sennheiser_drivers
from micboard.integrations.shure.driver import shure_drivers


def default_registry() -> DriverRegistry:
    return DriverRegistry([*shure_drivers(), *sennheiser_drivers()])
