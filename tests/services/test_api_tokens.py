from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token

from micboard.exceptions import NotFoundError
from micboard.services.api_tokens import api_token_get_or_create

pytestmark = pytest.mark.django_db


def test_a_users_token_is_made_once_and_then_the_same() -> None:
    user = User.objects.create_user("admin")
    key = api_token_get_or_create(username="admin")
    assert len(key) == 40
    assert api_token_get_or_create(username="admin") == key
    assert Token.objects.get(user=user).key == key


def test_no_such_user_says_how_to_get_one() -> None:
    with pytest.raises(NotFoundError, match="no user 'stage'"):
        api_token_get_or_create(username="stage")
    assert not Token.objects.exists()
