"""Polling one Shure receiver: a TCP conversation, or UDP request/response for UHF-R."""

from __future__ import annotations

from micboard.integrations.base import DeviceAddress, ReceiverSnapshot
from micboard.integrations.shure.client.replies import ReplyCollector
from micboard.integrations.shure.client.tcp import TcpConversation
from micboard.integrations.shure.client.udp import UdpConversation
from micboard.integrations.shure.families import Family, Transport


def read_receiver(
    address: DeviceAddress, *, family: Family, channels: int, form: str = ""
) -> ReceiverSnapshot:
    """Poll one receiver; raises a ``DeviceError`` subclass rather than return less.

    ``form`` is the request form an earlier poll's diagnostics named; one the family does
    not use (or "") starts with the family's first."""
    chosen = next((f for f in family.request_forms if f.value == form), None)
    if family.transport is Transport.UDP:
        return UdpConversation(address, family, channels, chosen).run()
    return TcpConversation(address, family, channels, chosen).run()


__all__ = ["ReplyCollector", "read_receiver"]
