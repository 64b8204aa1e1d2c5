"""Users holding a venue role, granted through the service as an administrator would."""

from __future__ import annotations

import itertools

from django.contrib.auth.models import User

from micboard.models import Venue
from micboard.services.access import role_grant
from micboard.services.audit import Actor

_numbers = itertools.count(1)
GRANTOR = Actor("tests")


def user_with_role(venue: Venue | None, role: str, *, staff: bool = False) -> User:
    """A new user; ``role`` "superuser" makes a superuser, "" a user without any role."""
    name = f"{role or 'nobody'}-{next(_numbers)}"
    if role == "superuser":
        return User.objects.create_superuser(name, f"{name}@example.org", "pw")
    user = User.objects.create_user(name, password="pw", is_staff=staff)
    if role and venue is not None:
        role_grant(venue=venue, user=user, role=role, actor=GRANTOR)
    return user
