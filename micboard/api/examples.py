"""Example requests and responses for the OpenAPI schema."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample

_VENUE = {
    "id": 1,
    "name": "Demo Theatre",
    "slug": "demo",
    "queue_name": "venue.demo",
    "receiver_count": 8,
    "stale_after_polls": 3,
    "worker": {
        "reporting": True,
        "not_reporting_since": None,
        "message": "",
        "fresh_receivers": 8,
        "stale_receivers": 0,
    },
    "time_zone": "Europe/Berlin",
    "alert_retention_days": None,
    "battery_replace_minutes": None,
    "battery_critical_minutes": None,
    "created_at": "2026-11-26T09:00:00Z",
}
_RECEIVER = {
    "id": 7,
    "venue": "demo",
    "name": "Rack 1 ULXD4Q",
    "family": "ULXD",
    "model": "ULXD4Q",
    "protocol": "shure-tcp",
    "host": "10.0.20.11",
    "port": 2202,
    "channel_count": 4,
    "poll_interval": 5,
    "enabled": True,
    "status": "online",
    "stale": False,
    "data_age_seconds": 1.8,
    "last_seen_at": "2026-11-26T19:30:05Z",
    "last_sync_at": "2026-11-26T19:30:05Z",
    "last_sync_duration_ms": 38,
    "last_sync_result": "synced",
    "next_sync_at": "2026-11-26T19:30:10Z",
    "last_error": "",
    "consecutive_failures": 0,
    "firmware": "2.7.6",
    "device_id": "RACK-1",
    "request_form": "all",
    "skipped_messages": 0,
    "last_skipped_message": "",
    "resent_requests": 0,
    "has_device_password": False,
    "certificate_sha256": "",
    "certificate_pinned_at": None,
    "created_at": "2026-11-26T09:00:00Z",
}
_CHANNEL = {
    "id": 31,
    "venue": "demo",
    "receiver": 7,
    "number": 1,
    "name": "HH01 Lead",
    "channel_id": "HH01",
    "display_name": "Lead",
    "state": "GOOD",
    "data_state": "GOOD",
    "stale": False,
    "frequency_khz": 578350,
    "frequency_mhz": "578.350",
    "battery_bars": 4,
    "battery_percent": None,
    "runtime_minutes": 245,
    "runtime": "4:05",
    "tx_type": "ULXD2",
    "tx_offset_db": 0,
    "rf_level": 92,
    "rf_levels": [92, 71],
    "rf_quality": None,
    "audio_level": 31,
    "antenna": "AX",
    "muted": None,
    "warnings": [],
    "audio_gain_db": 0,
    "group_channel": "",
    "updated_at": "2026-11-26T19:30:05Z",
}
_GROUP = {"id": 3, "venue": "demo", "number": 1, "title": "Vocals", "channels": [31, 32, 35]}
_SAMPLE = {
    "id": 9001,
    "recorded_at": "2026-11-26T19:30:05Z",
    "state": "GOOD",
    "battery_bars": 4,
    "runtime_minutes": 245,
    "frequency_khz": 578350,
    "rf_level": 92,
    "audio_level": 31,
}


VENUE = OpenApiExample("A venue", value=_VENUE, response_only=True)
VENUE_LIST = OpenApiExample("A page of venues", value=_VENUE, response_only=True)
VENUE_CREATE = OpenApiExample(
    "New venue", value={"name": "Grand Hall", "slug": "grand-hall"}, request_only=True
)
VENUE_RUNTIME_LEVELS = OpenApiExample(
    "Batteries by runtime",
    value={"battery_replace_minutes": 60, "battery_critical_minutes": 20},
    request_only=True,
)
VENUE_BY_RUNTIME = OpenApiExample(
    "A venue judging batteries by runtime",
    value=_VENUE | {"battery_replace_minutes": 60, "battery_critical_minutes": 20},
    response_only=True,
)

RECEIVER = OpenApiExample("A receiver", value=_RECEIVER, response_only=True)
RECEIVER_LIST = OpenApiExample("A page of receivers", value=_RECEIVER, response_only=True)
RECEIVER_PIN_RESET = OpenApiExample(
    "An EW-DX over SSC v2 whose pin was reset",
    value={
        **_RECEIVER,
        "name": "Rack 2 EW-DX",
        "family": "EWDX",
        "model": "EW-DX-EM-2",
        "protocol": "sennheiser-sscv2-ewdx",
        "port": 443,
        "channel_count": 2,
        "status": "offline",
        "firmware": "4.0.0",
        "request_form": "sscv2",
        "last_error": "10.0.20.12:443 presented a certificate other than the pinned one "
        "(pinned SHA-256 3f2a9c0d1e4b5a67..., presented 8b1d77e2c0a94f13...); the password "
        "was not sent. If the device was replaced or re-keyed, reset the pin.",
        "has_device_password": True,
    },
    response_only=True,
)
RECEIVER_CREATE = OpenApiExample(
    "New receiver",
    value={
        "venue": "demo",
        "name": "Rack 1 ULXD4Q",
        "model": "ULXD4Q",
        "host": "10.0.20.11",
        "port": 2202,
        "protocol": "shure-tcp",
        "poll_interval": 5,
        "enabled": True,
    },
    request_only=True,
)
RECEIVER_UPDATE = OpenApiExample(
    "All settings",
    value={
        "name": "Rack 1 ULXD4Q",
        "model": "ULXD4Q",
        "host": "10.0.20.12",
        "port": 2202,
        "protocol": "shure-tcp",
        "poll_interval": 2,
        "enabled": True,
    },
    request_only=True,
)
RECEIVER_PATCH = OpenApiExample("Poll faster", value={"poll_interval": 2}, request_only=True)

RESYNC_REPORT = OpenApiExample(
    "Queued, one already pending",
    value={
        "requested": 3,
        "enqueued": [7, 8],
        "already_pending": [9],
        "coalesced": 1,
        "disabled": [],
        "missing": [],
        "deferred": [8],
    },
    response_only=True,
    status_codes=["202"],
)

CHANNEL = OpenApiExample("A channel", value=_CHANNEL, response_only=True)
CHANNEL_LIST = OpenApiExample("A page of channels", value=_CHANNEL, response_only=True)
SAMPLE_PAGE = OpenApiExample("A page of samples", value=_SAMPLE, response_only=True)

GROUP = OpenApiExample("A channel group", value=_GROUP, response_only=True)
GROUP_LIST = OpenApiExample("A page of groups", value=_GROUP, response_only=True)
GROUP_CREATE = OpenApiExample(
    "New group",
    value={"venue": "demo", "number": 1, "title": "Vocals", "channels": [31, 32, 35]},
    request_only=True,
)
GROUP_UPDATE = OpenApiExample(
    "All fields", value={"number": 1, "title": "Vocals", "channels": [32, 31]}, request_only=True
)
GROUP_PATCH = OpenApiExample("Rename", value={"title": "Lead vocals"}, request_only=True)

ERROR_EXAMPLES = {
    "400": {
        "error": {
            "code": "validation_error",
            "message": "invalid receiver settings",
            "details": {"port": "70000 is not a TCP/UDP port (1-65535)"},
        }
    },
    "401": {
        "error": {
            "code": "not_authenticated",
            "message": "Authentication credentials were not provided.",
            "details": {},
        }
    },
    "403": {
        "error": {
            "code": "permission_denied",
            "message": "You do not have permission to perform this action.",
            "details": {},
        }
    },
    "404": {
        "error": {
            "code": "not_found",
            "message": "No Receiver matches the given query.",
            "details": {},
        }
    },
    "409": {
        "error": {
            "code": "conflict",
            "message": "a receiver with this address already exists in the venue",
            "details": {"host": "10.0.20.11", "port": 2202},
        }
    },
}
