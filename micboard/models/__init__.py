"""micboard's data: venues, receivers and channels, and their telemetry history."""

from micboard.models.dispatch import DispatchCycle
from micboard.models.groups import ChannelGroup, ChannelGroupMember
from micboard.models.kiosk import KioskLink
from micboard.models.receivers import (
    Channel,
    ChannelState,
    Receiver,
    ReceiverFamily,
    ReceiverStatus,
)
from micboard.models.telemetry import TelemetrySample
from micboard.models.venues import ALL_VENUES, Venue

__all__ = [
    "ALL_VENUES",
    "Channel",
    "ChannelGroup",
    "ChannelGroupMember",
    "ChannelState",
    "DispatchCycle",
    "KioskLink",
    "Receiver",
    "ReceiverFamily",
    "ReceiverStatus",
    "TelemetrySample",
    "Venue",
]
