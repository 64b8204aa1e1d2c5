"""Every API endpoint and method, for every kind of caller, on the caller's venue and another.

The endpoints are read from the URL conf: one without a rule in ``RULES`` fails
``test_every_endpoint_has_a_rule``, so a new endpoint is covered before it ships. The rules
below are written out by hand (the least role each needs), not read from the code they test.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from micboard.models import (
    Venue,
)
from tests.api.conftest import token_client
from tests.factories import (
    image_bytes,
)
from tests.roles import user_with_role
from tests.sites import LATER, NOW, Site, site

pytestmark = pytest.mark.django_db

RANK = {"viewer": 0, "operator": 1, "venue_admin": 2}
HTTP_METHODS = {"get", "put", "post", "patch", "delete"}


@dataclass(frozen=True)
class Rule:
    """The least role an endpoint needs, what it answers then, and its shape."""

    least: str  # viewer, operator, venue_admin, or superuser (no venue role is enough)
    success: int
    kind: str  # list (GET of a collection), create (POST of one), detail (an object's)
    hidden_below: bool = False  # below the least role, the object is not found at all


RULES: dict[tuple[str, str], Rule] = {
    ("venue-list", "GET"): Rule("viewer", 200, "list"),
    ("venue-list", "POST"): Rule("superuser", 201, "create"),
    ("venue-detail", "GET"): Rule("viewer", 200, "detail"),
    ("venue-detail", "PATCH"): Rule("venue_admin", 200, "detail"),
    ("venue-detail", "DELETE"): Rule("superuser", 204, "detail"),
    ("venue-resync", "POST"): Rule("operator", 202, "detail"),
    ("receiver-list", "GET"): Rule("viewer", 200, "list"),
    ("receiver-list", "POST"): Rule("venue_admin", 201, "create"),
    ("receiver-detail", "GET"): Rule("viewer", 200, "detail"),
    ("receiver-detail", "PUT"): Rule("venue_admin", 200, "detail"),
    ("receiver-detail", "PATCH"): Rule("venue_admin", 200, "detail"),
    ("receiver-detail", "DELETE"): Rule("venue_admin", 204, "detail"),
    ("receiver-resync", "POST"): Rule("operator", 202, "detail"),
    ("receiver-certificate-reset", "POST"): Rule("venue_admin", 200, "detail"),
    ("channel-list", "GET"): Rule("viewer", 200, "list"),
    ("channel-detail", "GET"): Rule("viewer", 200, "detail"),
    ("channel-samples", "GET"): Rule("viewer", 200, "detail"),
    ("group-list", "GET"): Rule("viewer", 200, "list"),
    ("group-list", "POST"): Rule("operator", 201, "create"),
    ("group-detail", "GET"): Rule("viewer", 200, "detail"),
    ("group-detail", "PUT"): Rule("operator", 200, "detail"),
    ("group-detail", "PATCH"): Rule("operator", 200, "detail"),
    ("group-detail", "DELETE"): Rule("operator", 204, "detail"),
    ("alert-list", "GET"): Rule("viewer", 200, "list"),
    ("alert-detail", "GET"): Rule("viewer", 200, "detail"),
    ("alert-acknowledge", "POST"): Rule("operator", 200, "detail"),
    ("alert-resolve", "POST"): Rule("operator", 200, "detail"),
    ("alert-rule-list", "GET"): Rule("viewer", 200, "list"),
    ("alert-rule-list", "POST"): Rule("venue_admin", 201, "create"),
    ("alert-rule-detail", "GET"): Rule("viewer", 200, "detail"),
    ("alert-rule-detail", "PUT"): Rule("venue_admin", 200, "detail"),
    ("alert-rule-detail", "PATCH"): Rule("venue_admin", 200, "detail"),
    ("alert-rule-detail", "DELETE"): Rule("venue_admin", 204, "detail"),
    ("audit-entry-list", "GET"): Rule("venue_admin", 200, "list"),
    ("audit-entry-detail", "GET"): Rule("venue_admin", 200, "detail", hidden_below=True),
    ("performer-list", "GET"): Rule("viewer", 200, "list"),
    ("performer-list", "POST"): Rule("venue_admin", 201, "create"),
    ("performer-detail", "GET"): Rule("viewer", 200, "detail"),
    ("performer-detail", "PUT"): Rule("venue_admin", 200, "detail"),
    ("performer-detail", "PATCH"): Rule("venue_admin", 200, "detail"),
    ("performer-detail", "DELETE"): Rule("venue_admin", 204, "detail"),
    ("performer-photo", "POST"): Rule("venue_admin", 200, "detail"),
    ("performer-photo", "DELETE"): Rule("venue_admin", 204, "detail"),
    ("event-list", "GET"): Rule("viewer", 200, "list"),
    ("event-list", "POST"): Rule("venue_admin", 201, "create"),
    ("event-detail", "GET"): Rule("viewer", 200, "detail"),
    ("event-detail", "PUT"): Rule("venue_admin", 200, "detail"),
    ("event-detail", "PATCH"): Rule("venue_admin", 200, "detail"),
    ("event-detail", "DELETE"): Rule("venue_admin", 204, "detail"),
    ("assignment-list", "GET"): Rule("viewer", 200, "list"),
    ("assignment-list", "POST"): Rule("venue_admin", 201, "create"),
    ("assignment-detail", "GET"): Rule("viewer", 200, "detail"),
    ("assignment-detail", "PUT"): Rule("venue_admin", 200, "detail"),
    ("assignment-detail", "PATCH"): Rule("venue_admin", 200, "detail"),
    ("assignment-detail", "DELETE"): Rule("venue_admin", 204, "detail"),
    ("assignment-swap", "POST"): Rule("operator", 200, "detail"),
    ("assignment-import-apply", "POST"): Rule("venue_admin", 200, "create"),
    ("assignment-import-check", "POST"): Rule("viewer", 200, "create"),
    ("assignment-export", "GET"): Rule("viewer", 200, "detail"),  # ?venue=: another's is a 404
    ("watched-hours-list", "GET"): Rule("viewer", 200, "list"),
    ("watched-hours-list", "POST"): Rule("venue_admin", 201, "create"),
    ("watched-hours-detail", "GET"): Rule("viewer", 200, "detail"),
    ("watched-hours-detail", "PUT"): Rule("venue_admin", 200, "detail"),
    ("watched-hours-detail", "PATCH"): Rule("venue_admin", 200, "detail"),
    ("watched-hours-detail", "DELETE"): Rule("venue_admin", 204, "detail"),
    ("watched-event-list", "GET"): Rule("viewer", 200, "list"),
    ("watched-event-list", "POST"): Rule("venue_admin", 201, "create"),
    ("watched-event-detail", "GET"): Rule("viewer", 200, "detail"),
    ("watched-event-detail", "PUT"): Rule("venue_admin", 200, "detail"),
    ("watched-event-detail", "PATCH"): Rule("venue_admin", 200, "detail"),
    ("watched-event-detail", "DELETE"): Rule("venue_admin", 204, "detail"),
    ("contact-list-list", "GET"): Rule("viewer", 200, "list"),
    ("contact-list-list", "POST"): Rule("venue_admin", 201, "create"),
    ("contact-list-detail", "GET"): Rule("viewer", 200, "detail"),
    ("contact-list-detail", "PUT"): Rule("venue_admin", 200, "detail"),
    ("contact-list-detail", "PATCH"): Rule("venue_admin", 200, "detail"),
    ("contact-list-detail", "DELETE"): Rule("venue_admin", 204, "detail"),
    # Contacts and the outbox hold people's addresses: below venue admin they are not found.
    ("contact-list", "GET"): Rule("venue_admin", 200, "list"),
    ("contact-list", "POST"): Rule("venue_admin", 201, "create"),
    ("contact-detail", "GET"): Rule("venue_admin", 200, "detail", hidden_below=True),
    ("contact-detail", "PUT"): Rule("venue_admin", 200, "detail", hidden_below=True),
    ("contact-detail", "PATCH"): Rule("venue_admin", 200, "detail", hidden_below=True),
    ("contact-detail", "DELETE"): Rule("venue_admin", 204, "detail", hidden_below=True),
    ("notification-list", "GET"): Rule("venue_admin", 200, "list"),
    ("notification-detail", "GET"): Rule("venue_admin", 200, "detail", hidden_below=True),
}

# Sent as multipart forms; the rest as JSON.
MULTIPART = {
    ("performer-photo", "POST"),
    ("assignment-import-apply", "POST"),
    ("assignment-import-check", "POST"),
}
# Actions on a collection: the venue is named in the body or the query.
COLLECTION_ACTIONS = {"assignment-import-apply", "assignment-import-check", "assignment-export"}

# Who calls: anonymous, a user without roles, each role, a superuser, read-only tokens.
CALLERS = [
    "anonymous",
    "nobody",
    "viewer",
    "operator",
    "venue_admin",
    "superuser",
    "venue_admin/read-only",
    "superuser/read-only",
]


def api_endpoints() -> set[tuple[str, str]]:
    """(route name, method) of every viewset route under ``/api/v1/``."""
    found: set[tuple[str, str]] = set()

    def walk(patterns: list[URLPattern | URLResolver]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
                continue
            actions = getattr(pattern.callback, "actions", None)
            if actions and pattern.name:
                # HEAD answers as GET does (the router adds it once a view has served).
                found.update((pattern.name, m.upper()) for m in actions if m != "head")

    walk(get_resolver().url_patterns)
    return found


def test_every_endpoint_has_a_rule() -> None:
    endpoints = api_endpoints()
    assert endpoints - set(RULES) == set(), "endpoints without a rule in RULES"
    assert set(RULES) - endpoints == set(), "rules of endpoints that do not exist"


def test_every_operation_of_the_schema_has_a_rule() -> None:
    """The OpenAPI schema, read the way its clients read it, names the same endpoints."""
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    operations = set()
    for path, item in paths.items():
        route = resolve(re.sub(r"\{slug\}", "x", re.sub(r"\{\w+\}", "1", path))).url_name
        operations.update((route, method.upper()) for method in item if method in HTTP_METHODS)
    assert operations == set(RULES)


# The API's routes that are no viewset's: the schema and its docs are public by design (they
# describe the API, not a venue), and anything else under /api/ is the API's JSON 404.
PUBLIC = {"api-schema": 200, "api-docs": 200, "api-not-found": 404}


def test_the_apis_other_routes_answer_every_caller_alike() -> None:
    mine = site()
    api = next(p for p in get_resolver().url_patterns if str(p.pattern) == "api/")
    assert isinstance(api, URLResolver)
    others = {p.name or "api-not-found" for p in api.url_patterns if isinstance(p, URLPattern)}
    assert others == set(PUBLIC)
    urls = {"api-schema": "/api/schema/", "api-docs": "/api/docs/", "api-not-found": "/api/v2/"}
    for caller in CALLERS:
        client = client_for(caller, mine.venue)
        found = {name: client.get(url).status_code for name, url in urls.items()}
        assert found == PUBLIC, caller


def client_for(caller: str, own: Venue) -> APIClient:
    if caller == "anonymous":
        return APIClient()
    role, _, mode = caller.partition("/")
    user: User = user_with_role(None if role == "nobody" else own, "" if role == "nobody" else role)
    return token_client(user, read_only=mode == "read-only")


def rank_in(caller: str, *, own: bool) -> int | None:
    """The rank the caller holds in the venue (read-only tokens cap it at viewer)."""
    role, _, mode = caller.partition("/")
    if role == "superuser":
        rank = RANK["venue_admin"]
    elif role in RANK and own:
        rank = RANK[role]
    else:
        return None
    return min(rank, RANK["viewer"]) if mode == "read-only" else rank


def full_superuser(caller: str) -> bool:
    return caller == "superuser"


def expected_status(rule: Rule, caller: str, *, own: bool) -> int:  # noqa: PLR0911 - a table
    if caller == "anonymous":
        return 401
    if rule.kind == "list":
        return 200
    rank = rank_in(caller, own=own)
    if rule.least == "superuser":  # no venue role is enough; the venue must still be seen
        if rank is None and rule.kind != "create":
            return 404
        return rule.success if full_superuser(caller) else 403
    if rank is None:  # a venue named in a body reads as unknown; an object is not found
        return 400 if rule.kind == "create" else 404
    if rank < RANK[rule.least]:
        return 404 if rule.hidden_below else 403
    return rule.success


def request_of(name: str, method: str, target: Site) -> tuple[str, dict[str, Any]]:
    """The URL and a valid body for ``name`` and ``method`` on ``target``'s objects."""
    slug = target.venue.slug
    objects: dict[str, Any] = {
        "venue": slug,
        "receiver": target.receiver.pk,
        "channel": target.channel.pk,
        "group": target.group.pk,
        "alert": target.alert.pk,
        "alert-rule": target.rule.pk,
        "audit-entry": target.entry.pk,
        "performer": target.performer.pk,
        "event": target.event.pk,
        "assignment": target.assignment.pk,
        "watched-hours": target.hours.pk,
        "watched-event": target.watched.pk,
        "contact-list": target.contact_list.pk,
        "contact": target.contact.pk,
        "notification": target.notification.pk,
    }
    base, _, suffix = name.rpartition("-")
    if name in COLLECTION_ACTIONS:
        url = reverse(name) + (f"?venue={slug}" if method == "GET" else "")
    elif suffix == "list":
        url = reverse(f"{base}-list")
    else:
        if suffix not in {"detail"}:  # an action: receiver-resync, receiver-certificate-reset
            base = max((k for k in objects if name.startswith(f"{k}-")), key=len)
        key = "slug" if base == "venue" else "pk"
        url = reverse(name, kwargs={key: objects[base]})
    bodies: dict[tuple[str, str], dict[str, Any]] = {
        ("venue-list", "POST"): {"name": "New venue"},
        ("venue-detail", "PATCH"): {"battery_replace_minutes": 30, "battery_critical_minutes": 10},
        ("receiver-list", "POST"): {
            "venue": slug,
            "name": "New receiver",
            "model": "ULXD4Q",
            "host": "10.9.9.9",
        },
        ("receiver-detail", "PUT"): {"name": "Renamed", "model": "ULXD4D", "host": "10.9.9.8"},
        ("receiver-detail", "PATCH"): {"poll_interval": 7},
        ("group-list", "POST"): {
            "venue": slug,
            "number": 5,
            "title": "Choir",
            "channels": [target.channel.pk],
        },
        ("group-detail", "PUT"): {"number": 6, "title": "Choir", "channels": []},
        ("group-detail", "PATCH"): {"title": "Brass"},
        ("alert-acknowledge", "POST"): {"note": "on it"},
        ("alert-resolve", "POST"): {},
        ("alert-rule-list", "POST"): {"venue": slug, "kind": "left_on"},
        ("alert-rule-detail", "PUT"): {"venue": slug, "kind": "battery"},
        ("alert-rule-detail", "PATCH"): {"hold_seconds": 30},
        ("performer-list", "POST"): {"venue": slug, "name": "New performer"},
        ("performer-detail", "PUT"): {"name": "Renamed", "part": "Lead"},
        ("performer-detail", "PATCH"): {"part": "Chorus"},
        ("performer-photo", "POST"): {
            "photo": SimpleUploadedFile("face.png", image_bytes(), content_type="image/png")
        },
        ("event-list", "POST"): {"venue": slug, **times("Matinee")},
        ("event-detail", "PUT"): times("Evening"),
        ("event-detail", "PATCH"): {"name": "Late show"},
        ("assignment-list", "POST"): {
            "performer": target.performer.pk,
            "receiver": target.receiver.pk,
            "channel_number": 2,
        },
        ("assignment-detail", "PUT"): {
            "performer": target.performer.pk,
            "receiver": target.receiver.pk,
            "channel_number": 2,
        },
        ("assignment-detail", "PATCH"): {"channel_number": 2},
        ("assignment-swap", "POST"): {"receiver": target.receiver.pk, "channel_number": 2},
        ("assignment-import-apply", "POST"): import_body(target),
        ("assignment-import-check", "POST"): import_body(target),
        ("watched-hours-list", "POST"): {
            "venue": slug,
            "weekday": 1,
            "starts": "09:00",
            "ends": "10:00",
        },
        ("watched-hours-detail", "PUT"): {
            "venue": slug,
            "weekday": 2,
            "starts": "09:00",
            "ends": "10:00",
        },
        ("watched-hours-detail", "PATCH"): {"weekday": 3},
        ("watched-event-list", "POST"): {"venue": slug, **times("Premiere")},
        ("watched-event-detail", "PUT"): {"venue": slug, **times("Premiere")},
        ("watched-event-detail", "PATCH"): {"name": "Encore"},
        ("contact-list-list", "POST"): {"venue": slug, "name": "Night", "escalation_order": 1},
        ("contact-list-detail", "PUT"): {"venue": slug, "name": "Day", "escalation_order": 2},
        ("contact-list-detail", "PATCH"): {"name": "Evening"},
        ("contact-list", "POST"): contact_body(target),
        ("contact-detail", "PUT"): contact_body(target),
        ("contact-detail", "PATCH"): {"name": "Sasha"},
    }
    return url, bodies.get((name, method), {})


def times(name: str) -> dict[str, Any]:
    return {"name": name, "starts_at": NOW.isoformat(), "ends_at": LATER.isoformat()}


def import_body(target: Site) -> dict[str, Any]:
    text = f"performer,part,receiver,channel,photo\nNew,,{target.receiver.name},2,\n"
    return {
        "venue": target.venue.slug,
        "file": SimpleUploadedFile("cast.csv", text.encode(), content_type="text/csv"),
    }


def contact_body(target: Site) -> dict[str, Any]:
    return {
        "contact_list": target.contact_list.pk,
        "name": "Sam",
        "channel": "email",
        "target": "sam@example.org",
    }


CASES = [
    pytest.param(name, method, caller, side, id=f"{method} {name} {caller} {side}")
    for (name, method) in sorted(RULES)
    for caller in CALLERS
    for side in ("own", "other")
]


@pytest.mark.parametrize(("name", "method", "caller", "side"), CASES)
def test_authorization_matrix(name: str, method: str, caller: str, side: str) -> None:
    mine, theirs = site(), site()
    target = mine if side == "own" else theirs
    client = client_for(caller, mine.venue)
    url, body = request_of(name, method, target)
    if (name, method) in MULTIPART:
        response = client.post(url, body, format="multipart")
    else:
        response = client.generic(method, url, data=_json(body), content_type="application/json")
    rule = RULES[(name, method)]
    assert response.status_code == expected_status(rule, caller, own=side == "own"), (
        response.content[:300]
    )
    if response.status_code >= 400:
        assert set(response.json()) == {"error"}
    if rule.kind == "list" and response.status_code == 200:
        shown = {row.get("venue", row.get("slug")) for row in response.json()["results"]}
        allowed = {
            s.venue.slug
            for s, own in ((mine, True), (theirs, False))
            if (rank := rank_in(caller, own=own)) is not None and rank >= RANK[rule.least]
        }
        assert shown - {""} == allowed
        if "" in shown:  # entries of no venue (tokens, say) are a superuser's alone
            assert caller == "superuser"


def _json(body: dict[str, Any]) -> str:
    return json.dumps(body) if body else ""
