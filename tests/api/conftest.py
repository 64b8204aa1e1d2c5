"""API clients for the kinds of caller: nobody, a user without roles, a reader of every
venue (a superuser's read-only token) and a superuser."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from micboard.services.access import api_token_create
from micboard.services.audit import Actor


def token_client(user: User, *, read_only: bool = False) -> APIClient:
    key = api_token_create(user=user, label="tests", read_only=read_only, actor=Actor("tests")).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()


@pytest.fixture
def nobody(db: None) -> APIClient:
    """Logged in, without any venue role: sees no venue, changes nothing."""
    return token_client(User.objects.create_user("nobody", password="pw"))


@pytest.fixture
def reader(db: None) -> APIClient:
    """A superuser's read-only token: reads every venue, changes nothing."""
    user = User.objects.create_superuser("reader", "reader@example.org", "pw")
    return token_client(user, read_only=True)


@pytest.fixture
def operator(db: None) -> APIClient:
    """A superuser's token: every role in every venue."""
    return token_client(User.objects.create_superuser("operator", "op@example.org", "pw"))
