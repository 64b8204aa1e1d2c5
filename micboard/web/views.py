"""The display wall: its pages and the JSON state they poll about once a second."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from micboard.composition import wall_feed
from micboard.exceptions import NotFoundError, error_envelope
from micboard.models import Venue
from micboard.selectors import listings
from micboard.selectors.access import venue_access
from micboard.selectors.kiosk import kiosk_link_for_token
from micboard.selectors.wall import WallFrame
from micboard.web.access import (
    KIOSK_HEADER,
    PASS_HEADER,
    WallScope,
    issue_pass,
    may_view,
    scope_from_pass,
    scope_of,
)

POLL_INTERVAL_MS = 1000


def _render_wall(request: HttpRequest, venue: Venue | None, *, kiosk_token: str) -> HttpResponse:
    state_url = (
        reverse("micboard-wall-state", kwargs={"slug": venue.slug})
        if venue
        else reverse("micboard-wall-state-all")
    )
    context = {
        "venue": venue,
        "title": venue.name if venue else "All venues",
        "state_url": state_url,
        "wall_pass": issue_pass(scope_of(venue)),
        "pass_seconds": settings.MICBOARD_WALL_PASS_SECONDS,
        "kiosk_token": kiosk_token,
        "poll_interval_ms": POLL_INTERVAL_MS,
    }
    response = render(request, "micboard/wall.html", context)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"  # a kiosk link carries its token
    return response


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "micboard/wall_forbidden.html", status=403)


@require_GET
def wall_page(request: HttpRequest, slug: str = "") -> HttpResponse:
    """``/wall/`` (every venue) or ``/wall/<slug>/``, for users or ``?kiosk=<token>``.

    A user who may not see every venue gets, at ``/wall/``, the list of the walls they may
    see (or that wall, when there is one); another venue's wall is a 404 for them."""
    kiosk_token = request.GET.get("kiosk", "")
    if not kiosk_token and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    venue = listings.venue_by_slug(slug=slug) if slug else None
    if slug and venue is None:
        raise Http404("no such wall")
    if may_view(request, venue, kiosk_token=kiosk_token):
        return _render_wall(request, venue, kiosk_token=kiosk_token)
    if kiosk_token:
        return _forbidden(request)
    if venue is not None:
        raise Http404("no such wall")
    return _venue_choice(request)


def _venue_choice(request: HttpRequest) -> HttpResponse:
    venues = list(listings.venues_visible(access=venue_access(user=request.user)))
    if len(venues) == 1:
        return redirect("micboard-wall", slug=venues[0].slug)
    response = render(request, "micboard/walls.html", {"venues": venues}, status=200)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def kiosk_page(request: HttpRequest, token: str) -> HttpResponse:
    """``/kiosk/<token>/``: the wall a kiosk link was made for."""
    link = kiosk_link_for_token(token=token)
    if link is None:
        raise Http404("unknown or revoked kiosk link")
    return _render_wall(request, link.venue, kiosk_token=token)


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(error_envelope(code, message), status=status)


def _authorize(request: HttpRequest, slug: str) -> WallScope | None:
    """The slow path, when the wall has no valid pass: session or kiosk token, venue row."""
    venue = listings.venue_by_slug(slug=slug) if slug else None
    if slug and venue is None:
        return None
    kiosk_token = request.headers.get(KIOSK_HEADER, "")
    return scope_of(venue) if may_view(request, venue, kiosk_token=kiosk_token) else None


def _json_response(request: HttpRequest, frame: WallFrame) -> HttpResponse:
    if "gzip" not in request.headers.get("Accept-Encoding", ""):
        return HttpResponse(frame.json, content_type="application/json")
    response = HttpResponse(frame.gzipped, content_type="application/json")
    response["Content-Encoding"] = "gzip"
    return response


@require_GET
def wall_state(request: HttpRequest, slug: str = "") -> HttpResponse:
    """The wall as JSON; 304 while the version in ``If-None-Match`` is still what it shows."""
    scope = scope_from_pass(request.headers.get(PASS_HEADER, ""), slug=slug)
    renewed_pass = ""
    if scope is None:
        scope = _authorize(request, slug)
        if scope is None:
            return _error(403, "forbidden", "log in again or ask for a new kiosk link")
        renewed_pass = issue_pass(scope)
    feed = wall_feed()
    held = request.headers.get("If-None-Match", "")
    version = feed.version(venue_id=scope.venue_id)
    if version is not None and held == _etag(version):
        return _finish(HttpResponseNotModified(), version, renewed_pass)
    try:
        frame = feed.frame(venue_id=scope.venue_id, version=version)
    except NotFoundError as error:
        return _error(404, error.code, error.message)
    if frame.version is not None and held == _etag(frame.version):  # nothing newer yet
        return _finish(HttpResponseNotModified(), frame.version, renewed_pass)
    return _finish(_json_response(request, frame), frame.version, renewed_pass)


def _etag(version: int) -> str:
    return f'"{version}"'


def _finish(response: HttpResponse, version: int | None, renewed_pass: str) -> HttpResponse:
    if version is not None:
        response["ETag"] = _etag(version)
    response["Cache-Control"] = "no-cache, private"
    response["Vary"] = "Accept-Encoding"
    if renewed_pass:
        response[PASS_HEADER] = renewed_pass
    return response
