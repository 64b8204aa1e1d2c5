"""Schemathesis against a live server over TCP, with its stateful phase: operations chained
by the links it infers from the schema (a receiver made, then read, changed, resynced and
deleted by its id). All checks run but ``positive_data_acceptance``, for the reason given in
``test_fuzz``: business validation (an address the service refuses) lives in the service.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.contrib.auth.models import User
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RULE_MARKER
from pytest_django.live_server_helper import LiveServer
from schemathesis.specs.openapi.checks import positive_data_acceptance

from micboard.services.access import api_token_create
from micboard.services.audit import Actor
from tests.factories import make_polled_receiver, make_venue


@pytest.mark.django_db(transaction=True)
def test_api_holds_to_its_schema_through_chained_calls(live_server: LiveServer) -> None:
    venue = make_venue()
    make_polled_receiver(venue, model="ULXD4D", channels=2)
    user = User.objects.create_superuser("stateful", "s@example.org", "pw")
    key = api_token_create(user=user, label="fuzz", read_only=False, actor=Actor("tests")).key
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    base = schema.as_state_machine()

    class Workflow(base):  # type: ignore[misc,valid-type]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, object]:
            return {"headers": {"Authorization": f"Token {key}"}, "timeout": 10}

        def validate_response(
            self, response: object, case: schemathesis.Case, **kwargs: object
        ) -> None:
            case.validate_response(response, excluded_checks=[positive_data_acceptance])

    transitions = [n for n in dir(base) if getattr(getattr(base, n), RULE_MARKER, None)]
    assert len(transitions) > 1, "no links inferred between operations: nothing is chained"
    Workflow.run(
        settings=settings(
            max_examples=25,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
