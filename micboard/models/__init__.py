"""micboard's data: venues, receivers and channels, and their telemetry history."""

from micboard.models.alerts import (
    ACTIVE_STATES,
    RAISED_STATES,
    Alert,
    AlertRule,
    AlertState,
    RuleKind,
    WatchedEvent,
    WatchedHours,
)
from micboard.models.contacts import (
    Contact,
    ContactChannel,
    ContactList,
    DeliveryAttempt,
    Notification,
    NotificationEvent,
    NotificationState,
)
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
    "ACTIVE_STATES",
    "ALL_VENUES",
    "RAISED_STATES",
    "Alert",
    "AlertRule",
    "AlertState",
    "Channel",
    "ChannelGroup",
    "ChannelGroupMember",
    "ChannelState",
    "Contact",
    "ContactChannel",
    "ContactList",
    "DeliveryAttempt",
    "DispatchCycle",
    "KioskLink",
    "Notification",
    "NotificationEvent",
    "NotificationState",
    "Receiver",
    "ReceiverFamily",
    "ReceiverStatus",
    "RuleKind",
    "TelemetrySample",
    "Venue",
    "WatchedEvent",
    "WatchedHours",
]
