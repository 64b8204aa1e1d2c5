"""API tokens for scripts: a new one per call, for ``make -s token`` and the demo."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from micboard.exceptions import NotFoundError
from micboard.services.access import api_token_create
from micboard.services.audit import Actor


def api_token_issue(*, username: str, label: str) -> str:
    """A new API token of ``username``: its key, shown this once (only a digest is kept)."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFoundError(
            f"no user {username!r} (make demo creates 'admin'; or manage.py createsuperuser)"
        )
    return api_token_create(user=user, label=label, read_only=False, actor=Actor(label)).key
