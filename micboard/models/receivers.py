"""Receivers (one network device each) and their channels (one transmitter each)."""

from __future__ import annotations

from django.db import models

from micboard.models.venues import Venue


class ReceiverFamily(models.TextChoices):
    ULXD = "ULXD", "ULX-D"
    QLXD = "QLXD", "QLX-D"
    SLXD = "SLXD", "SLX-D"
    AD = "AD", "Axient Digital"
    UHFR = "UHFR", "UHF-R"
    PSM1000 = "PSM1000", "PSM1000"
    SLDW = "SLDW", "SpeechLine Digital Wireless"
    SLMCRDW = "SLMCRDW", "SpeechLine Digital Wireless Multi-Channel Receiver"
    D6000 = "D6000", "Digital 6000"
    EWDX = "EWDX", "Evolution Wireless Digital EW-DX"


class ReceiverStatus(models.TextChoices):
    UNKNOWN = "unknown", "Not polled yet"
    ONLINE = "online", "Online"
    OFFLINE = "offline", "Offline"


class ChannelState(models.TextChoices):
    RX_COM_ERROR = "RX_COM_ERROR", "Receiver unreachable"
    AUDIO_PEAK = "AUDIO_PEAK", "Audio peak"
    GOOD = "GOOD", "Good"
    REPLACE = "REPLACE", "Replace battery"
    CRITICAL = "CRITICAL", "Battery critical"
    PREV_GOOD = "PREV_GOOD", "Off (was good)"
    PREV_REPLACE = "PREV_REPLACE", "Off (was replace)"
    PREV_CRITICAL = "PREV_CRITICAL", "Off (was critical)"
    TX_COM_ERROR = "TX_COM_ERROR", "Transmitter off"
    STALE = "STALE", "Data stale"


class Receiver(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="receivers")
    name = models.CharField(max_length=120)
    family = models.CharField(max_length=16, choices=ReceiverFamily.choices)
    model = models.CharField(max_length=32, help_text="Model number, e.g. ULXD4Q.")
    protocol = models.CharField(max_length=32, default="shure-tcp")
    host = models.CharField(max_length=255)
    port = models.PositiveIntegerField(default=2202)
    channel_count = models.PositiveSmallIntegerField(default=1)
    poll_interval = models.PositiveIntegerField(default=5, help_text="Seconds between polls.")
    enabled = models.BooleanField(default=True)

    status = models.CharField(
        max_length=16, choices=ReceiverStatus.choices, default=ReceiverStatus.UNKNOWN
    )
    last_seen_at = models.DateTimeField(null=True, blank=True)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    last_sync_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    next_sync_at = models.DateTimeField(null=True, blank=True)
    last_sync_result = models.CharField(
        max_length=16, blank=True, default="", help_text="synced, offline or skipped"
    )
    last_error = models.TextField(blank=True, default="")
    consecutive_failures = models.PositiveIntegerField(default=0)
    firmware = models.CharField(max_length=64, blank=True, default="")
    device_id = models.CharField(max_length=64, blank=True, default="")
    request_form = models.CharField(
        max_length=16,
        blank=True,
        default="",
        help_text="How the last successful poll asked for the values (the driver's name for "
        "it, e.g. 'all' or 'param'); the next poll asks the same way.",
    )
    skipped_messages = models.PositiveIntegerField(
        default=0, help_text="Messages polls skipped as malformed or of an unexpected shape."
    )
    last_skipped_message = models.CharField(
        max_length=300, blank=True, default="", help_text="Why the latest one was skipped."
    )
    resent_requests = models.PositiveIntegerField(
        default=0, help_text="Requests polls sent again for values that did not arrive."
    )

    device_password = models.TextField(
        blank=True,
        default="",
        help_text="The device's own password (SSC v2: the third-party password of user "
        "'api'), encrypted with MICBOARD_ENCRYPTION_KEYS; empty where the protocol needs none.",
    )
    certificate_sha256 = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text="SHA-256 (hex) of the TLS certificate pinned on the first poll; a poll that "
        "meets another certificate fails until an operator resets the pin.",
    )
    certificate_pinned_at = models.DateTimeField(null=True, blank=True)

    resync_requested_at = models.DateTimeField(null=True, blank=True)
    resync_requested_by = models.CharField(max_length=150, blank=True, default="")

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["venue", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["venue", "host", "port"], name="receiver_unique_address_per_venue"
            ),
        ]
        indexes = [
            # The dispatcher's "due" query: enabled receivers of a venue by next_sync_at.
            models.Index(
                fields=["venue", "next_sync_at"],
                condition=models.Q(enabled=True),
                name="receiver_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.host}:{self.port})"


class Channel(models.Model):
    receiver = models.ForeignKey(Receiver, on_delete=models.CASCADE, related_name="channels")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=64, blank=True, default="")
    frequency_khz = models.PositiveIntegerField(null=True, blank=True)
    battery_bars = models.PositiveSmallIntegerField(null=True, blank=True)
    battery_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    runtime_minutes = models.PositiveIntegerField(null=True, blank=True)
    tx_type = models.CharField(max_length=16, blank=True, default="")
    tx_offset_db = models.SmallIntegerField(null=True, blank=True)
    rf_level = models.PositiveSmallIntegerField(null=True, blank=True)
    rf_levels = models.JSONField(
        default=list,
        blank=True,
        help_text="RF per antenna (A, B...) on the rf_level scale, where the device reports "
        "each; empty when only rf_level is known.",
    )
    rf_quality = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Link or signal quality in percent, where reported."
    )
    audio_gain_db = models.SmallIntegerField(
        null=True, blank=True, help_text="The receiver's audio gain in dB, where reported."
    )
    group_channel = models.CharField(
        max_length=5,
        blank=True,
        default="",
        help_text="The frequency's group and channel as g,c, where reported; empty when the "
        "receiver is tuned directly.",
    )
    audio_level = models.PositiveSmallIntegerField(null=True, blank=True)
    antenna = models.CharField(max_length=4, blank=True, default="")
    muted = models.BooleanField(
        null=True, blank=True, help_text="The channel's mute, where the device reports it."
    )
    warnings = models.JSONField(
        default=list, blank=True, help_text="The device's own warnings, as it words them."
    )
    state = models.CharField(
        max_length=16, choices=ChannelState.choices, default=ChannelState.TX_COM_ERROR
    )
    # Memory behind the PREV_* and AUDIO_PEAK states.
    last_battery_bars = models.PositiveSmallIntegerField(null=True, blank=True)
    last_runtime_minutes = models.PositiveIntegerField(null=True, blank=True)
    battery_seen_at = models.DateTimeField(null=True, blank=True)
    audio_peak_at = models.DateTimeField(null=True, blank=True)
    last_sample_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["receiver", "number"]
        constraints = [
            models.UniqueConstraint(fields=["receiver", "number"], name="channel_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.receiver.name} ch{self.number} {self.name}".strip()
