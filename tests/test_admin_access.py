"""The admin by venue role: every micboard page and action, for each role, on the user's
venue and another. Models and actions are read from the admin site: one without a rule
here fails ``test_every_admin_page_and_action_has_a_rule``."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from micboard.composition import device_service
from micboard.models import (
    Alert,
    AlertRule,
    AlertState,
    Assignment,
    AuditAction,
    AuditEntry,
    ContactList,
    KioskLink,
    Receiver,
    TelemetrySample,
    Venue,
    VenueRoleGrant,
)
from micboard.services.access import api_token_create
from micboard.services.dto import PolledSnapshot
from micboard.services.kiosk import kiosk_link_create
from tests.factories import (
    make_assignment,
    make_performer,
    make_receiver,
    make_venue,
    snapshot,
)
from tests.roles import GRANTOR, user_with_role
from tests.services.alerts.conftest import add_contact
from tests.sites import Site, site

pytestmark = pytest.mark.django_db

RANK = {"viewer": 0, "operator": 1, "venue_admin": 2, "superuser": 3}
ROLES = ["viewer", "operator", "venue_admin", "superuser"]

# Model name: (least role to see its pages, least role to change it, "" when nobody may).
PAGES: dict[str, tuple[str, str]] = {
    "venue": ("viewer", "venue_admin"),
    "receiver": ("viewer", "venue_admin"),
    "channel": ("viewer", ""),
    "telemetrysample": ("viewer", ""),
    "channelgroup": ("viewer", "operator"),
    "kiosklink": ("viewer", "operator"),
    "alertrule": ("viewer", "venue_admin"),
    "watchedhours": ("viewer", "venue_admin"),
    "watchedevent": ("viewer", "venue_admin"),
    "contactlist": ("viewer", "venue_admin"),
    "alert": ("viewer", "operator"),
    "notification": ("venue_admin", ""),
    "venuerolegrant": ("venue_admin", "venue_admin"),
    "auditentry": ("venue_admin", ""),
    "apitoken": ("viewer", "viewer"),  # one's own tokens
    "performer": ("viewer", "venue_admin"),
    "event": ("viewer", "venue_admin"),
    "assignment": ("viewer", "venue_admin"),
}

# (model name, action): least role.
ACTIONS: dict[tuple[str, str], str] = {
    ("venue", "resync_venues"): "operator",
    ("venue", "delete_selected"): "superuser",
    ("receiver", "resync_now"): "operator",
    ("receiver", "enable_polling"): "venue_admin",
    ("receiver", "disable_polling"): "venue_admin",
    ("receiver", "reset_certificate_pin"): "venue_admin",
    ("receiver", "delete_selected"): "venue_admin",
    ("channelgroup", "delete_selected"): "operator",
    ("kiosklink", "revoke"): "operator",
    ("kiosklink", "delete_selected"): "operator",
    ("alertrule", "delete_selected"): "venue_admin",
    ("watchedhours", "delete_selected"): "venue_admin",
    ("watchedevent", "delete_selected"): "venue_admin",
    ("contactlist", "delete_selected"): "venue_admin",
    ("alert", "acknowledge"): "operator",
    ("alert", "resolve"): "operator",
    ("venuerolegrant", "delete_selected"): "venue_admin",
    ("apitoken", "revoke"): "viewer",
    ("performer", "delete_selected"): "venue_admin",
    ("event", "delete_selected"): "venue_admin",
    ("assignment", "delete_selected"): "venue_admin",
    ("assignment", "swap"): "operator",
}


def micboard_admins() -> dict[str, admin.ModelAdmin[object]]:
    return {
        model._meta.model_name: model_admin  # type: ignore[misc]
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label == "micboard"
    }


def test_every_admin_page_and_action_has_a_rule() -> None:
    admins = micboard_admins()
    assert set(admins) == set(PAGES)
    request = Client()
    superuser = User.objects.create_superuser("root", "r@example.org", "pw")
    request.force_login(superuser)
    found = set()
    for name, model_admin in admins.items():
        response = request.get(reverse(f"admin:micboard_{name}_changelist"))
        assert response.status_code == 200, name
        actions = response.context["cl"].model_admin.get_actions(response.wsgi_request)
        found |= {(name, action) for action in actions}
        assert model_admin is not None
    assert found == set(ACTIONS)


def staff_client(role: str, venue: Venue) -> Client:
    client = Client()
    client.force_login(user_with_role(venue, role, staff=True))
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_page_for_each_role(name: str, role: str) -> None:
    mine, theirs = make_venue(), make_venue()
    for venue in (mine, theirs):
        make_receiver(venue)
    client = staff_client(role, mine)
    least_view, least_change = PAGES[name]
    listing = client.get(reverse(f"admin:micboard_{name}_changelist"))
    may_view = RANK[role] >= RANK[least_view]
    assert listing.status_code == (200 if may_view else 403)
    if may_view:
        shown = listing.context["cl"].queryset
        if hasattr(shown.model, "venue_id") and name != "auditentry":
            assert theirs.pk not in set(shown.values_list("venue_id", flat=True)) or (
                role == "superuser"
            )
    add = client.get(reverse(f"admin:micboard_{name}_add"))
    may_add = bool(least_change) and RANK[role] >= RANK[least_change]
    if name == "venue":
        may_add = role == "superuser"
    if name in {"alert", "notification", "channel", "telemetrysample", "auditentry"}:
        may_add = False
    assert add.status_code == (200 if may_add else 403), name


def test_a_viewer_sees_only_their_venues_receivers_and_cannot_open_another() -> None:
    mine, theirs = make_venue(), make_venue()
    own, foreign = make_receiver(mine), make_receiver(theirs)
    client = staff_client("viewer", mine)
    listing = client.get(reverse("admin:micboard_receiver_changelist"))
    assert list(listing.context["cl"].queryset) == [own]
    page = client.get(reverse("admin:micboard_receiver_change", args=[own.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # read-only for a viewer
    missing = client.get(reverse("admin:micboard_receiver_change", args=[foreign.pk]))
    assert missing.status_code == 302  # the admin's "does not exist", as for any missing id
    post = client.post(
        reverse("admin:micboard_receiver_change", args=[own.pk]), {"name": "Taken over"}
    )
    assert post.status_code == 403
    assert Receiver.objects.get(pk=own.pk).name == own.name


def run_action(client: Client, name: str, action: str, ids: list[int]) -> None:
    client.post(
        reverse(f"admin:micboard_{name}_changelist"),
        {"action": action, "_selected_action": [str(i) for i in ids]},
    )


def run_on_both(role: str, action: str, own: Receiver, foreign: Receiver, least: str) -> set[int]:
    """Run ``action`` as ``role`` of ``own``'s venue on ``foreign``, then on ``own``; returns
    the venues it may act on: its own from ``least`` up, the other for a superuser only."""
    client = staff_client(role, own.venue)
    run_action(client, "receiver", action, [foreign.pk])
    run_action(client, "receiver", action, [own.pk])
    allowed = {own.venue_id} if RANK[role] >= RANK[least] else set()
    return allowed | ({foreign.venue_id} if role == "superuser" else set())


@pytest.mark.parametrize("role", ROLES)
def test_resync_needs_an_operator_of_the_receivers_venue(role: str) -> None:
    own, foreign = make_receiver(make_venue()), make_receiver(make_venue())
    expected = run_on_both(role, "resync_now", own, foreign, "operator")
    resynced = set(
        AuditEntry.objects.filter(action=AuditAction.RESYNC).values_list("venue_id", flat=True)
    )
    assert resynced == expected


@pytest.mark.parametrize("role", ROLES)
def test_acknowledging_needs_an_operator_and_is_on_record(role: str) -> None:
    venue = make_venue()
    receiver = make_receiver(venue, model="ULXD4D")
    device_service().polls_apply(
        answered=[PolledSnapshot(receiver, snapshot(2, bars=1))], unreachable=[]
    )
    alert = Alert.objects.filter(venue=venue).first()
    assert alert is not None
    client = staff_client(role, venue)
    run_action(client, "alert", "acknowledge", [alert.pk])
    acked = AuditEntry.objects.filter(action=AuditAction.ALERT_ACKNOWLEDGED)
    assert acked.exists() == (RANK[role] >= RANK["operator"])
    if acked.exists():
        assert acked.get().address == "127.0.0.1"


def test_a_kiosk_link_of_every_venue_is_a_superusers_to_make() -> None:
    venue = make_venue()
    client = staff_client("operator", venue)
    answer = client.post(reverse("admin:micboard_kiosklink_add"), {"venue": "", "label": "TV"})
    assert answer.status_code == 200  # the form asks for a venue
    assert not KioskLink.objects.exists()
    client.post(reverse("admin:micboard_kiosklink_add"), {"venue": venue.pk, "label": "TV"})
    assert KioskLink.objects.get().venue_id == venue.pk
    assert AuditEntry.objects.filter(action=AuditAction.KIOSK_CREATED).count() == 1


def test_a_venue_admin_grants_roles_in_their_venue_only() -> None:
    mine, theirs = make_venue(), make_venue()
    client = staff_client("venue_admin", mine)
    newcomer = User.objects.create_user("newcomer")
    client.post(
        reverse("admin:micboard_venuerolegrant_add"),
        {"venue": theirs.pk, "user": newcomer.pk, "role": "viewer"},
    )
    assert not VenueRoleGrant.objects.filter(user=newcomer).exists()
    client.post(
        reverse("admin:micboard_venuerolegrant_add"),
        {"venue": mine.pk, "user": newcomer.pk, "role": "operator"},
    )
    assert VenueRoleGrant.objects.get(user=newcomer).role == "operator"
    entry = AuditEntry.objects.filter(action=AuditAction.ROLE_GRANTED, target="newcomer").get()
    assert entry.venue_slug == mine.slug


def test_kiosk_links_made_before_revoke_in_another_venue_are_untouched() -> None:
    mine, theirs = make_venue(), make_venue()
    foreign = kiosk_link_create(venue=theirs, label="TV", created_by="x").link
    client = staff_client("operator", mine)
    run_action(client, "kiosklink", "revoke", [foreign.pk])
    assert KioskLink.objects.get(pk=foreign.pk).revoked_at is None


@pytest.mark.parametrize("role", ROLES)
def test_swapping_assignments_needs_an_operator_of_their_venue(role: str) -> None:
    venue = make_venue()
    receiver = make_receiver(venue, model="ULXD4D")
    first, second = make_performer(venue), make_performer(venue)
    slots = [make_assignment(first, receiver, 1), make_assignment(second, receiver, 2)]
    run_action(staff_client(role, venue), "assignment", "swap", [a.pk for a in slots])
    on_one = Assignment.objects.get(receiver=receiver, channel_number=1).performer_id
    assert on_one == (second.pk if RANK[role] >= RANK["operator"] else first.pk)


@pytest.mark.parametrize("role", ROLES)
def test_a_contact_lists_contacts_are_shown_to_venue_admins_only(role: str) -> None:
    venue = make_venue()
    contact = add_contact(venue, target="stage-manager@example.org")
    page = staff_client(role, venue).get(
        reverse("admin:micboard_contactlist_change", args=[contact.contact_list_id])
    )
    assert page.status_code == 200  # every role reads the list's name and step
    may_see = RANK[role] >= RANK["venue_admin"]
    assert (b"stage-manager@example.org" in page.content) == may_see
    assert (b"contacts-TOTAL_FORMS" in page.content) == may_see


# --- change pages and actions on an object of the user's venue and of another ---------------


def admin_objects(target: Site) -> dict[str, Model]:
    """One object of each venue-scoped admin page, all of ``target``'s venue. API tokens are
    their user's, not a venue's: ``test_a_user_revokes_their_own_tokens_only``."""
    venue = target.venue
    grantee = user_with_role(venue, "viewer")
    return {
        "venue": venue,
        "receiver": target.receiver,
        "channel": target.channel,
        "telemetrysample": TelemetrySample.objects.filter(channel=target.channel).first(),
        "channelgroup": target.group,
        "kiosklink": kiosk_link_create(venue=venue, label="TV", created_by="tests").link,
        "alertrule": target.rule,
        "watchedhours": target.hours,
        "watchedevent": target.watched,
        "contactlist": target.contact_list,
        "alert": target.alert,
        "notification": target.notification,
        "venuerolegrant": VenueRoleGrant.objects.get(venue=venue, user=grantee),
        "auditentry": target.entry,
        "performer": target.performer,
        "event": target.event,
        "assignment": target.assignment,
    }


def test_every_venue_scoped_page_has_an_object_for_the_matrix() -> None:
    assert set(admin_objects(site())) == set(PAGES) - {"apitoken"}


@pytest.mark.parametrize("side", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(set(PAGES) - {"apitoken"}))
def test_each_change_page_for_each_role(name: str, role: str, side: str) -> None:
    target = site()
    obj = admin_objects(target)[name]
    assert obj is not None
    client = staff_client(role, target.venue if side == "own" else make_venue())
    page = client.get(reverse(f"admin:micboard_{name}_change", args=[obj.pk]))
    least_view, least_change = PAGES[name]
    if RANK[role] < RANK[least_view]:
        assert page.status_code == 403
        return
    if side == "other" and role != "superuser":
        assert page.status_code == 302  # the admin's "does not exist", as for any missing id
        return
    assert page.status_code == 200
    may_change = bool(least_change) and RANK[role] >= RANK[least_change]
    assert (b'name="_save"' in page.content) == may_change


def action_done(name: str, action: str, obj: Model) -> bool:  # noqa: PLR0911 - a table
    """Whether ``action`` took effect on ``obj``."""
    if action == "delete_selected":
        return not type(obj).objects.filter(pk=obj.pk).exists()
    if action == "swap":  # the two performers change channels
        return bool(Assignment.objects.get(pk=obj.pk).performer_id != obj.performer_id)  # type: ignore[attr-defined]
    if action in {"resync_now", "resync_venues"}:
        venue_id = obj.pk if name == "venue" else obj.venue_id  # type: ignore[attr-defined]
        return AuditEntry.objects.filter(action=AuditAction.RESYNC, venue_id=venue_id).exists()
    obj.refresh_from_db()
    if action in {"enable_polling", "disable_polling"}:
        return bool(obj.enabled) == (action == "enable_polling")  # type: ignore[attr-defined]
    if action == "revoke":
        return obj.revoked_at is not None  # type: ignore[attr-defined]
    if action == "reset_certificate_pin":
        return obj.certificate_sha256 == ""  # type: ignore[attr-defined]
    if action in {"acknowledge", "resolve"}:
        wanted = AlertState.ACKNOWLEDGED if action == "acknowledge" else AlertState.RESOLVED
        return bool(obj.state == wanted)  # type: ignore[attr-defined]
    raise AssertionError(f"no effect known for {action}")


def deletable(name: str, target: Site) -> Model | None:
    """An object nothing else refers to, where the matrix's has dependents (the admin asks
    to delete those first)."""
    venue = target.venue
    fresh: dict[str, Callable[[], Model]] = {
        "venue": make_venue,
        "receiver": lambda: make_receiver(venue),
        "alertrule": lambda: AlertRule.objects.exclude(pk=target.alert.rule_id).filter(
            venue=venue, alerts__isnull=True
        )[0],
        "contactlist": lambda: ContactList.objects.create(
            venue=venue, name="Spare", escalation_order=9
        ),
    }
    return fresh[name]() if name in fresh else None


ACTION_CASES = [
    pytest.param(name, action, role, side, id=f"{name} {action} {role} {side}")
    for (name, action) in sorted(ACTIONS)
    if name != "apitoken"
    for role in ROLES
    for side in ("own", "other")
]


@pytest.mark.parametrize(("name", "action", "role", "side"), ACTION_CASES)
def test_each_action_for_each_role(name: str, action: str, role: str, side: str) -> None:
    target = site()
    obj = admin_objects(target)[name]
    if action == "delete_selected":
        obj = deletable(name, target) or obj
    selected = [obj.pk]
    if action == "enable_polling":
        Receiver.objects.filter(pk=obj.pk).update(enabled=False)
    if action == "reset_certificate_pin":
        Receiver.objects.filter(pk=obj.pk).update(certificate_sha256="ab" * 32)
    if action == "swap":  # the channels of two assignments change places
        other = make_assignment(make_performer(target.venue), target.receiver, 2)
        selected.append(other.pk)
    data = {"action": action, "_selected_action": [str(pk) for pk in selected], "post": "yes"}
    own_venue = obj if name == "venue" else target.venue
    user = user_with_role(own_venue if side == "own" else make_venue(), role, staff=True)
    client = Client()
    client.force_login(user)
    client.post(reverse(f"admin:micboard_{name}_changelist"), data)
    least = ACTIONS[(name, action)]
    allowed = role == "superuser" or (side == "own" and RANK[role] >= RANK[least])
    assert action_done(name, action, obj) == allowed


def test_a_user_revokes_their_own_tokens_only() -> None:
    venue = make_venue()
    user, someone = user_with_role(venue, "viewer", staff=True), user_with_role(venue, "viewer")
    own = api_token_create(user=user, label="mine", read_only=True, actor=GRANTOR).token
    theirs = api_token_create(user=someone, label="theirs", read_only=True, actor=GRANTOR).token
    client = Client()
    client.force_login(user)
    run_action(client, "apitoken", "revoke", [own.pk, theirs.pk])
    own.refresh_from_db()
    theirs.refresh_from_db()
    assert (own.revoked_at is not None, theirs.revoked_at) == (True, None)
