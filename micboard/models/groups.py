"""Channel groups: a venue's saved, ordered selections of channels for the display wall."""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models

from micboard.models.receivers import Channel
from micboard.models.venues import Venue

MAX_GROUP_NUMBER = 9


class ChannelGroup(models.Model):
    """Shown on the wall by pressing its number key (0-9)."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="channel_groups")
    number = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(MAX_GROUP_NUMBER)], help_text="Key that shows it (0-9)."
    )
    title = models.CharField(max_length=60)
    channels: models.ManyToManyField[Channel, ChannelGroupMember] = models.ManyToManyField(
        Channel, through="ChannelGroupMember", related_name="groups"
    )

    class Meta:
        ordering = ["venue", "number"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "number"], name="group_unique_number"),
            models.CheckConstraint(
                condition=models.Q(number__lte=MAX_GROUP_NUMBER), name="group_number_0_9"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.title}"


class ChannelGroupMember(models.Model):
    """One channel's place in a group."""

    group = models.ForeignKey(ChannelGroup, on_delete=models.CASCADE, related_name="members")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="memberships")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["group", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "channel"], name="group_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.group_id}#{self.position}: {self.channel_id}"
