"""micboard's data: venues, receivers and channels, and their telemetry history."""

from micboard.models.dispatch import DispatchCycle
from micboard.models.receivers import (
    Channel,
    ChannelState,
    Receiver,
    ReceiverFamily,
    ReceiverStatus,
)
from micboard.models.telemetry import TelemetrySample
from micboard.models.venues import Venue

__all__ = [
    "Channel",
    "ChannelState",
    "DispatchCycle",
    "Receiver",
    "ReceiverFamily",
    "ReceiverStatus",
    "TelemetrySample",
    "Venue",
]
