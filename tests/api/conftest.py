"""API clients for three kinds of caller: nobody, a read-only user, an operator."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def token_client(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()


@pytest.fixture
def reader(db: None) -> APIClient:
    """Logged in, without any model permission: may read, may not write."""
    return token_client(User.objects.create_user("reader", password="pw"))


@pytest.fixture
def operator(db: None) -> APIClient:
    """Holds every micboard model permission (not a superuser)."""
    user = User.objects.create_user("operator", password="pw")
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="micboard"))
    return token_client(user)
