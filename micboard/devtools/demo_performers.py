"""The demo's cast: drawn portraits, one performer per channel, and group 1 for the wall.

Nothing is downloaded: each portrait is drawn from the performer's name.
"""

from __future__ import annotations

import hashlib
from io import BytesIO

from PIL import Image, ImageDraw

from micboard.composition import photo_limits
from micboard.exceptions import ConflictError
from micboard.models import Assignment, Channel, ChannelGroup, Performer, Receiver, Venue
from micboard.services import performers as service
from micboard.services.groups import GroupInput, group_create, group_update

CAST = (
    ("Maria Keller", "Hamlet"),
    ("Ben Ode", "Claudius"),
    ("Aiko Tanaka", "Gertrude"),
    ("Tomás Rivera", "Horatio"),
    ("Lena Fischer", "Ophelia"),
    ("Sam Okafor", "Laertes"),
    ("Priya Nair", "Polonius"),
    ("Jonas Berg", "Ghost"),
    ("Chloé Martin", "Rosencrantz"),
    ("Omar Haddad", "Guildenstern"),
    ("Eva Novak", "Player Queen"),
    ("Kofi Mensah", "Player King"),
    ("Hanna Lind", "Gravedigger"),
    ("Luca Romano", "Osric"),
    ("Sofia Costa", "Marcellus"),
    ("Noah Weber", "Fortinbras"),
)
GROUP_NUMBER = 1
GROUP_TITLE = "Leads"
GROUP_SIZE = 4
PORTRAIT_SIZE = 320


def portrait(name: str) -> bytes:
    """A PNG portrait for ``name``: head and shoulders on a colour drawn from the name."""
    digest = hashlib.sha256(name.encode()).digest()
    background = (60 + digest[0] % 140, 60 + digest[1] % 140, 60 + digest[2] % 140)
    skin = ((255, 219, 172), (224, 172, 105), (198, 134, 66), (141, 85, 36))[digest[3] % 4]
    hair = ((40, 30, 20), (90, 60, 30), (200, 170, 90), (20, 20, 20))[digest[4] % 4]
    shirt = (digest[5], digest[6], digest[7])
    size = PORTRAIT_SIZE
    image = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((size * 0.18, size * 0.68, size * 0.82, size * 1.3), fill=shirt)
    draw.ellipse((size * 0.3, size * 0.14, size * 0.7, size * 0.6), fill=hair)
    draw.ellipse((size * 0.33, size * 0.2, size * 0.67, size * 0.64), fill=skin)
    initials = "".join(part[0] for part in name.split()[:2])
    draw.text((size * 0.05, size * 0.04), initials, fill=(255, 255, 255), font_size=48)
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _slots(venue: Venue) -> list[tuple[Receiver, int]]:
    receivers = Receiver.objects.filter(venue=venue).order_by("port", "pk")
    return [(r, n) for r in receivers for n in range(1, r.channel_count + 1)]


def demo_performers(venue: Venue) -> int:
    """Create or refresh the cast and put one performer on each channel, in receiver order,
    as standing assignments (idempotent). Returns how many channels have a performer."""
    limits = photo_limits()
    existing = {p.name: p for p in Performer.objects.filter(venue=venue)}
    slots = _slots(venue)
    held = {
        (a.receiver_id, a.channel_number): a
        for a in Assignment.objects.filter(venue=venue, event=None).select_related("performer")
    }
    for (name, part), (receiver, number) in zip(CAST, slots, strict=False):
        data = service.PerformerInput(name=name, part=part)
        performer = existing.get(name)
        if performer is None:
            performer = service.performer_create(venue=venue, data=data)
        elif performer.part != part:
            performer = service.performer_update(performer=performer, data=data)
        if not performer.photo_tile.name:
            slug = name.lower().replace(" ", "-")
            service.performer_photo_set(
                performer=performer, data=portrait(name), filename=f"{slug}.png", limits=limits
            )
        assignment = held.get((receiver.pk, number))
        wanted = service.AssignmentInput(performer, receiver, number)
        if assignment is None:
            service.assignment_create(data=wanted)
        elif assignment.performer_id != performer.pk:
            service.assignment_update(assignment=assignment, data=wanted)
    return min(len(CAST), len(slots))


def demo_group(venue: Venue) -> ChannelGroup | None:
    """Group 1, "Leads": the venue's first channels, once polls have reported them."""
    channels = list(
        Channel.objects.filter(receiver__venue=venue)
        .order_by("receiver__port", "number")
        .values_list("pk", flat=True)[:GROUP_SIZE]
    )
    if not channels:
        return None
    data = GroupInput(GROUP_NUMBER, GROUP_TITLE, tuple(channels))
    group = ChannelGroup.objects.filter(venue=venue, number=GROUP_NUMBER).first()
    try:
        return (
            group_update(group=group, data=data) if group else group_create(venue=venue, data=data)
        )
    except ConflictError:
        return None
