"""API keys: ``Authorization: Token <key>``, looked up by the key's SHA-256 digest."""

from __future__ import annotations

from typing import Any

from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from micboard.models import ApiToken
from micboard.selectors.access import api_token_for_key
from micboard.services.access import api_token_touch


class ApiTokenAuthentication(TokenAuthentication):
    """``request.auth`` is the :class:`ApiToken`, so a read-only one can be told apart."""

    model = ApiToken

    def authenticate_credentials(self, key: str) -> tuple[Any, ApiToken]:
        token = api_token_for_key(key=key)
        if token is None or not token.user.is_active:
            raise AuthenticationFailed("Invalid token.")
        api_token_touch(token=token)
        return token.user, token
