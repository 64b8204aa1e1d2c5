from __future__ import annotations

from io import StringIO

import pytest
import redis
from django.core.management import CommandError, call_command

from micboard.models import AuditAction, AuditEntry, Receiver
from tests.conftest import queue_depth
from tests.factories import make_receiver, make_venue
from tests.roles import user_with_role

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("micboard_resync", *args, stdout=out)
    return out.getvalue()


def test_resync_a_venue(redis_client: redis.Redis) -> None:
    venue = make_venue()
    for _ in range(3):
        make_receiver(venue)
    assert "resync queued for 3 receiver(s)" in run("--venue", venue.slug)
    assert "3 coalesced" in run("--venue", venue.slug)
    assert queue_depth(redis_client, venue.queue_name) == 3


def test_resync_receivers_and_all(redis_client: redis.Redis) -> None:
    venue = make_venue()
    first, second = make_receiver(venue), make_receiver(venue)
    assert "for 1 receiver(s)" in run("--receiver", str(first.pk))
    assert "for 1 receiver(s); 1 coalesced" in run("--all")
    assert queue_depth(redis_client, venue.queue_name) == 2
    assert Receiver.objects.get(pk=second.pk).resync_requested_by.startswith("cli:")


def test_unknown_targets_are_errors() -> None:
    with pytest.raises(CommandError, match="no receivers"):
        run("--venue", "nowhere")
    with pytest.raises(CommandError, match="no receiver with id 424242"):
        run("--receiver", "424242")


def test_as_a_user_the_resync_follows_their_roles_and_is_theirs_on_record(
    redis_client: redis.Redis,
) -> None:
    mine, other = make_venue(), make_venue()
    own, foreign = make_receiver(mine), make_receiver(other)
    operator = user_with_role(mine, "operator")
    viewer = user_with_role(mine, "viewer")
    with pytest.raises(CommandError, match=f"no receiver with id {foreign.pk}"):
        run("--receiver", str(foreign.pk), "--as-user", operator.username)
    with pytest.raises(CommandError, match="role does not allow"):
        run("--receiver", str(own.pk), "--as-user", viewer.username)
    with pytest.raises(CommandError, match="no user 'ghost'"):
        run("--all", "--as-user", "ghost")
    assert queue_depth(redis_client, mine.queue_name) == 0
    assert "resync queued for 1 receiver(s)" in run("--all", "--as-user", operator.username)
    assert queue_depth(redis_client, other.queue_name) == 0
    entry = AuditEntry.objects.get(action=AuditAction.RESYNC)
    assert entry.actor.startswith(f"{operator.username} (cli:")
    assert (entry.actor_user_id, entry.venue_slug) == (operator.pk, mine.slug)
