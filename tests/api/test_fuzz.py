"""A bounded schemathesis run against the WSGI app: no 5xx, responses match the schema.

Business validation (e.g. an IPv6 host the service refuses) lives in the service, not in
the schema, so ``positive_data_acceptance`` is left out: schema-valid input may still be
a 400. Every other default check runs.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from micboard.project.wsgi import application
from micboard.services.access import api_token_create
from micboard.services.audit import Actor
from tests.factories import make_polled_receiver, make_venue

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture
def _connection_kept() -> Iterator[None]:
    """As Django's test client does: keep the test's connection (and transaction) open."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db: None, _connection_kept: None) -> str:
    """A superuser's token and a venue with a polled receiver, for the cases to find."""
    venue = make_venue()
    make_polled_receiver(venue, model="ULXD4D", channels=2)
    user = User.objects.create_superuser("fuzzer", "fuzz@example.org", "pw")
    return api_token_create(user=user, label="fuzz", read_only=False, actor=Actor("tests")).key


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
@pytest.mark.django_db
def test_api_holds_to_its_schema(case: schemathesis.Case, token: str) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        excluded_checks=[positive_data_acceptance],
    )
