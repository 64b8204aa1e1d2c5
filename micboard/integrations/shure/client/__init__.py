"""Polling one Shure receiver: a TCP conversation, or UDP request/response for UHF-R."""

from __future__ import annotations

from micboard.integrations.base import DeviceAddress, ReceiverSnapshot
from micboard.integrations.shure.client.replies import ReplyCollector
from micboard.integrations.shure.client.tcp import TcpConversation
from micboard.integrations.shure.client.udp import UdpConversation
from micboard.integrations.shure.families import Family, Transport


def read_receiver(address: DeviceAddress, *, family: Family, channels: int) -> ReceiverSnapshot:
    """Poll one receiver; raises a ``DeviceError`` subclass rather than return less."""
    if family.transport is Transport.UDP:
        return UdpConversation(address, family, channels).run()
    return TcpConversation(address, family, channels).run()


__all__ = ["ReplyCollector", "read_receiver"]
