"""Telemetry history: what a channel reported, when it changed."""

from __future__ import annotations

from django.db import models

from micboard.models.receivers import Channel, ChannelState


class TelemetrySample(models.Model):
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="samples")
    recorded_at = models.DateTimeField()
    battery_bars = models.PositiveSmallIntegerField(null=True, blank=True)
    runtime_minutes = models.PositiveIntegerField(null=True, blank=True)
    frequency_khz = models.PositiveIntegerField(null=True, blank=True)
    rf_level = models.PositiveSmallIntegerField(null=True, blank=True)
    audio_level = models.PositiveSmallIntegerField(null=True, blank=True)
    state = models.CharField(max_length=16, choices=ChannelState.choices)

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["channel", "recorded_at"], name="sample_channel_time_idx")]

    def __str__(self) -> str:
        return f"{self.channel_id} @ {self.recorded_at:%Y-%m-%d %H:%M:%S}"
