"""Reads for the API: query sets that cost a fixed number of queries however many rows."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Prefetch, QuerySet

from micboard.models import (
    Channel,
    ChannelGroup,
    ChannelGroupMember,
    Receiver,
    TelemetrySample,
    Venue,
)


def venue_list() -> QuerySet[Venue]:
    return Venue.objects.annotate(receiver_total=Count("receivers")).order_by("name", "pk")


def receiver_list(*, venue_slug: str = "", status: str = "") -> QuerySet[Receiver]:
    receivers = Receiver.objects.select_related("venue").order_by("venue__name", "name", "pk")
    if venue_slug:
        receivers = receivers.filter(venue__slug=venue_slug)
    if status:
        receivers = receivers.filter(status=status)
    return receivers


def receiver_ids_of_venue(*, venue: Venue) -> list[int]:
    return list(Receiver.objects.filter(venue=venue).values_list("pk", flat=True))


def channel_list(
    *, venue_slug: str = "", receiver_id: int | None = None, state: str = ""
) -> QuerySet[Channel]:
    channels = Channel.objects.select_related("receiver__venue").order_by(
        "receiver__venue__name", "receiver__name", "receiver_id", "number"
    )
    if venue_slug:
        channels = channels.filter(receiver__venue__slug=venue_slug)
    if receiver_id is not None:
        channels = channels.filter(receiver_id=receiver_id)
    if state:
        channels = channels.filter(state=state)
    return channels


def channel_samples(
    *, channel: Channel, since: datetime | None = None, until: datetime | None = None
) -> QuerySet[TelemetrySample]:
    """Newest first; ``since`` inclusive, ``until`` exclusive."""
    samples = TelemetrySample.objects.filter(channel=channel).order_by("-recorded_at", "-pk")
    if since is not None:
        samples = samples.filter(recorded_at__gte=since)
    if until is not None:
        samples = samples.filter(recorded_at__lt=until)
    return samples


def group_list(*, venue_slug: str = "") -> QuerySet[ChannelGroup]:
    members = ChannelGroupMember.objects.order_by("position", "pk").only(
        "group_id", "channel_id", "position"
    )
    groups = (
        ChannelGroup.objects.select_related("venue")
        .prefetch_related(Prefetch("members", queryset=members))
        .order_by("venue__name", "number")
    )
    if venue_slug:
        groups = groups.filter(venue__slug=venue_slug)
    return groups
