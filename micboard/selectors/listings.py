"""Lists of venues, receivers, channels, samples and groups, each at a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from micboard.models import (
    Channel,
    ChannelGroup,
    ChannelGroupMember,
    ChannelState,
    Receiver,
    ReceiverStatus,
    TelemetrySample,
    Venue,
)
from micboard.selectors.access import VenueAccess
from micboard.selectors.freshness import receiver_stale_at


def venues_with_totals(*, venues: QuerySet[Venue]) -> QuerySet[Venue]:
    """``venues`` with their receivers counted: ``receiver_total`` and ``offline_total``."""
    return venues.annotate(
        receiver_total=Count("receivers"),
        offline_total=Count("receivers", filter=Q(receivers__status=ReceiverStatus.OFFLINE)),
    )


def venue_list() -> QuerySet[Venue]:
    return venues_with_totals(venues=Venue.objects.all()).order_by("name", "pk")


def venues_visible(*, access: VenueAccess) -> QuerySet[Venue]:
    """The venues ``access`` may view, by name (their walls, the wall's venue list)."""
    return access.scope(Venue.objects.order_by("name", "pk"), "")


def receiver_list(*, venue_slug: str = "", status: str = "") -> QuerySet[Receiver]:
    receivers = Receiver.objects.select_related("venue").order_by("venue__name", "name", "pk")
    if venue_slug:
        receivers = receivers.filter(venue__slug=venue_slug)
    if status:
        receivers = receivers.filter(status=status)
    return receivers


def venue_by_slug(*, slug: str) -> Venue | None:
    return Venue.objects.filter(slug=slug).first()


def receiver_ids_of_venue(*, venue: Venue) -> list[int]:
    return receiver_ids_of_venues(venues=[venue])


def receiver_ids_of_venues(*, venues: Iterable[Venue] | QuerySet[Venue]) -> list[int]:
    return list(Receiver.objects.filter(venue__in=venues).values_list("pk", flat=True))


def receiver_ids(*, venue_slug: str | None = None) -> list[int]:
    """Every receiver's id, or those of the venue ``venue_slug``."""
    receivers = Receiver.objects.all()
    if venue_slug is not None:
        receivers = receivers.filter(venue__slug=venue_slug)
    return list(receivers.values_list("pk", flat=True))


def receiver_venue_ids(*, receiver_ids: list[int]) -> dict[int, int]:
    """Each existing receiver's venue id, by receiver id."""
    rows = Receiver.objects.filter(pk__in=receiver_ids).values_list("pk", "venue_id")
    return dict(rows)


def receivers_on_hosts(*, venue: Venue, hosts: Iterable[str] | None = None) -> list[Receiver]:
    """A venue's receivers (on ``hosts`` only, when given), by port."""
    receivers = Receiver.objects.filter(venue=venue)
    if hosts is not None:
        receivers = receivers.filter(host__in=list(hosts))
    return list(receivers.order_by("port", "pk"))


def channel_list(
    *,
    venue_slug: str = "",
    receiver_id: int | None = None,
    state: str = "",
    now: datetime | None = None,
) -> QuerySet[Channel]:
    """Channels by venue, receiver and number. ``state`` is the state a reader sees at ``now``
    (default: the current time): STALE for the channels of stale receivers, any other for the
    fresh channels whose last sync derived it."""
    channels = Channel.objects.select_related("receiver__venue").order_by(
        "receiver__venue__name", "receiver__name", "receiver_id", "number"
    )
    if venue_slug:
        channels = channels.filter(receiver__venue__slug=venue_slug)
    if receiver_id is not None:
        channels = channels.filter(receiver_id=receiver_id)
    if state:
        stale = receiver_stale_at(now=now or timezone.now(), path="receiver__")
        if state == ChannelState.STALE:
            channels = channels.filter(stale)
        else:
            channels = channels.filter(state=state).exclude(stale)
    return channels


def channel_choices(*, venue: Venue | None) -> QuerySet[Channel]:
    """The channels a venue's group may hold (every channel before the venue is known)."""
    channels = Channel.objects.select_related("receiver").order_by("receiver__name", "number")
    return channels.filter(receiver__venue=venue) if venue else channels


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
