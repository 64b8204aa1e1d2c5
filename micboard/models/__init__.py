"""micboard's data: venues, receivers and channels, their telemetry history, performers."""

from micboard.models.access import ROLE_ORDER, ApiToken, VenueRole, VenueRoleGrant
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
from micboard.models.audit import AuditAction, AuditEntry
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
from micboard.models.performers import Assignment, Event, Performer
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
    "ROLE_ORDER",
    "Alert",
    "AlertRule",
    "AlertState",
    "ApiToken",
    "Assignment",
    "AuditAction",
    "AuditEntry",
    "Channel",
    "ChannelGroup",
    "ChannelGroupMember",
    "ChannelState",
    "Contact",
    "ContactChannel",
    "ContactList",
    "DeliveryAttempt",
    "DispatchCycle",
    "Event",
    "KioskLink",
    "Notification",
    "NotificationEvent",
    "NotificationState",
    "Performer",
    "Receiver",
    "ReceiverFamily",
    "ReceiverStatus",
    "RuleKind",
    "TelemetrySample",
    "Venue",
    "VenueRole",
    "VenueRoleGrant",
    "WatchedEvent",
    "WatchedHours",
]
