"""The ``shure-tcp`` driver: ULX-D and QLX-D receivers over TCP port 2202."""

from __future__ import annotations

from micboard.integrations.base import DeviceAddress, ReceiverSnapshot
from micboard.integrations.shure.client import read_receiver
from micboard.integrations.shure.values import receiver_model


class ShureTcpDriver:
    """Polls ULXD4, ULXD4D, ULXD4Q and QLXD4 receivers with ``GET 0 ALL``."""

    protocol: str = "shure-tcp"

    def channel_count(self, model: str) -> int:
        """Channels of a catalogued model; raises ``UnknownModelError`` (a ``DeviceError``)."""
        return receiver_model(model).channels

    def poll(self, address: DeviceAddress, *, channels: int) -> ReceiverSnapshot:
        return read_receiver(address, channels=channels)
