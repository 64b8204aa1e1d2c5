"""API tokens: the one a user's scripts send as ``Authorization: Token <key>``."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from micboard.exceptions import NotFoundError


def api_token_get_or_create(*, username: str) -> str:
    """The user's API token, made on first use and the same afterwards."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFoundError(
            f"no user {username!r} (make demo creates 'admin'; or manage.py createsuperuser)"
        )
    token, _ = Token.objects.get_or_create(user=user)
    return str(token.key)
