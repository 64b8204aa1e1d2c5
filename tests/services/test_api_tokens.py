from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from micboard.exceptions import NotFoundError
from micboard.models import ApiToken
from micboard.selectors.access import api_token_for_key
from micboard.services.api_tokens import api_token_issue

pytestmark = pytest.mark.django_db


def test_each_call_makes_a_new_token_of_the_user_kept_as_a_digest() -> None:
    user = User.objects.create_user("admin")
    first = api_token_issue(username="admin", label="make token")
    second = api_token_issue(username="admin", label="make token")
    assert first != second
    assert first.startswith("mbt_")
    found = api_token_for_key(key=first)
    assert found is not None
    assert found.user == user
    assert not found.read_only
    assert first not in {t.key_digest for t in ApiToken.objects.all()}


def test_no_such_user_says_how_to_get_one() -> None:
    with pytest.raises(NotFoundError, match="no user 'stage'"):
        api_token_issue(username="stage", label="make token")
    assert not ApiToken.objects.exists()
