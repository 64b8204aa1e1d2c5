"""``micboard_grant``: roles given, replaced, taken away and listed, each on the audit trail."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from micboard.models import AuditAction, AuditEntry, VenueRoleGrant
from micboard.selectors.access import Capability, venue_access
from tests.factories import make_venue

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("micboard_grant", *args, stdout=out)
    return out.getvalue()


def test_grant_replace_list_and_revoke() -> None:
    venue = make_venue()
    user = User.objects.create_user("sam")
    assert run("sam", venue.slug, "viewer") == f"sam is viewer of {venue.slug}\n"
    assert run("sam", venue.slug, "operator") == f"sam is operator of {venue.slug}\n"
    assert VenueRoleGrant.objects.get().role == "operator"
    assert venue_access(user=User.objects.get(pk=user.pk)).may(venue.pk, Capability.RESYNC)
    assert run("--list") == f"{venue.slug}\toperator\tsam\n"
    assert run("--revoke", "sam", venue.slug) == f"revoked operator of sam in {venue.slug}\n"
    assert not VenueRoleGrant.objects.exists()
    trail = AuditEntry.objects.filter(action__startswith="role.").order_by("pk")
    assert [(e.action, e.target, e.changes["role"]) for e in trail] == [
        (AuditAction.ROLE_GRANTED, "sam", {"old": None, "new": "viewer"}),
        (AuditAction.ROLE_GRANTED, "sam", {"old": "viewer", "new": "operator"}),
        (AuditAction.ROLE_REVOKED, "sam", {"old": "operator", "new": None}),
    ]
    assert {e.actor.split(":")[0] for e in trail} == {"cli"}


def test_grant_to_a_group_and_list_one_venue() -> None:
    venue, other = make_venue(), make_venue()
    Group.objects.create(name="stage crew")
    User.objects.create_user("kim")
    run("--group", "stage crew", venue.slug, "venue_admin")
    run("kim", other.slug, "viewer")
    assert run("--list", "--venue", venue.slug) == (
        f"{venue.slug}\tvenue_admin\tgroup stage crew\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nobody", "VENUE", "viewer"), "no user 'nobody'"),
        (("--group", "ghosts", "VENUE", "viewer"), "no group 'ghosts'"),
        (("sam", "no-such-venue", "viewer"), "no venue 'no-such-venue'"),
        (("sam", "VENUE"), "name the role"),
        (("--revoke", "sam", "VENUE"), "no role to revoke"),
        (("sam",), "name the holder and the venue"),
    ],
)
def test_mistakes_are_clear_errors_and_change_nothing(args: tuple[str, ...], message: str) -> None:
    venue = make_venue()
    User.objects.create_user("sam")
    with pytest.raises(CommandError, match=message):
        run(*(venue.slug if a == "VENUE" else a for a in args))
    assert not VenueRoleGrant.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="role.").exists()


def test_an_unknown_role_is_refused_by_the_command_line() -> None:
    venue = make_venue()
    User.objects.create_user("sam")
    with pytest.raises(CommandError, match="invalid choice: 'boss'"):
        run("sam", venue.slug, "boss")
