"""Performer photos, served from storage to those allowed to see them.

A user with a role in the performer's venue may see its photos (as its wall); a wall shown
through a kiosk link loads its tiles' photos by the signed addresses the wall's state gives
it. Nothing is
served from ``MEDIA_URL``: photos on object storage are read through the storage API too.
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from micboard.selectors.access import Capability, venue_access
from micboard.selectors.performers import (
    PHOTO_SIZES,
    performer_for_photo,
    photo_signature_valid,
)


@require_GET
def performer_photo(request: HttpRequest, performer_id: int, size: str) -> HttpResponse:
    """``/performers/<id>/<photo|tile>.jpg``: 404 for an unknown performer, size or photo,
    and for a visitor with no role in the performer's venue who does not hold the photo's
    signed address."""
    performer = performer_for_photo(performer_id=performer_id) if size in PHOTO_SIZES else None
    if performer is None:
        raise Http404("no such photo")
    signature = request.GET.get("sig", "")
    allowed = venue_access(user=request.user).may(performer.venue_id, Capability.VIEW) or (
        bool(signature) and photo_signature_valid(performer, size=size, signature=signature)
    )
    name = (performer.photo_tile if size == "tile" else performer.photo).name
    if not allowed or not name:
        raise Http404("no such photo")
    try:
        with default_storage.open(name, "rb") as stored:
            body = stored.read()
    except FileNotFoundError:
        raise Http404("no such photo") from None
    response = HttpResponse(body, content_type="image/jpeg")
    # A new photo gets a new file name and so a new address: the old one may be kept.
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response
