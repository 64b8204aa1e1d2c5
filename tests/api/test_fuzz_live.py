"""Schemathesis against a live server over TCP, with its stateful phase: operations chained
by the links in the schema (a receiver made, then read, changed, resynced and deleted by the
id its creation returned), every check schemathesis has, the stateful ones included.

Bodies that name a venue name the one every scenario has (a random slug is an unknown
venue, so nothing would be created and nothing chained).

Left out, with the reason (the README's "Hostile input" section lists them too):

- ``positive_data_acceptance``: business validation lives in the services, not in the
  schema (an address the service will not poll, a name already taken), so schema-valid
  input may be a 400 or a 409 on purpose.

Hypothesis replays a failing scenario to shrink it, and a replay only takes the same path
when the server answers as it did the first time; otherwise Hypothesis reports
``FlakyStrategyDefinition`` instead of the failure. So every scenario starts from the same
rows, ids and Redis keys (rows left by an earlier scenario, a slug taken or a pending
resync, made replays diverge), and the run's own bound is its example and step counts, with
a test timeout well above them: the suite's 120 s timeout, fired inside a scenario, was a
failure no replay could reproduce.
"""

from __future__ import annotations

from typing import Any

import pytest
import redis
import schemathesis
from django.contrib.auth.models import User
from django.core.management.color import no_style
from django.db import connection
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RULE_MARKER
from pytest_django.live_server_helper import LiveServer
from schemathesis.specs.openapi.checks import positive_data_acceptance

from micboard.composition import device_service, location_service
from micboard.models import ApiToken
from micboard.services.access import api_token_create
from micboard.services.audit import Actor
from micboard.services.dto import ReceiverInput
from tests.factories import snapshot
from tests.run_keys import forget_run_keys

LEFT_OUT = [positive_data_acceptance]
# What the caller is: kept across scenarios. Everything the API can change is reset.
KEPT_TABLES = {
    User._meta.db_table,
    ApiToken._meta.db_table,
    "auth_group",
    "auth_group_permissions",
    "auth_user_groups",
    "auth_user_user_permissions",
    "auth_permission",
    "django_content_type",
    "django_migrations",
}


def reset_server_state(redis_client: redis.Redis) -> None:
    """Empty every table the API writes, restarting its ids, and the run's Redis keys; then
    one venue with one polled two-channel receiver, always the same."""
    tables = [t for t in connection.introspection.django_table_names(True) if t not in KEPT_TABLES]
    with connection.cursor() as cursor:
        for statement in connection.ops.sql_flush(no_style(), tables, reset_sequences=True):
            cursor.execute(statement)
    forget_run_keys(redis_client)
    venue = location_service().venue_create(name="Fuzz Hall", slug="fuzz-hall")
    receiver = device_service().receiver_register(
        venue=venue,
        data=ReceiverInput(
            name="Rack A", model="ULXD4D", host="127.0.0.1", port=9, poll_interval=5
        ),
    )
    device_service().snapshot_apply(receiver=receiver, snapshot=snapshot(2))


@pytest.mark.timeout(600)  # about 90 s on a 2-core machine; see the module's docstring
@pytest.mark.django_db(transaction=True)
def test_api_holds_to_its_schema_through_chained_calls(
    live_server: LiveServer, redis_client: redis.Redis
) -> None:
    user = User.objects.create_superuser("stateful", "s@example.org", "pw")
    key = api_token_create(user=user, label="fuzz", read_only=False, actor=Actor("tests")).key
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")

    @schema.hook("map_body")
    def known_venue(context: Any, body: Any) -> Any:
        """Bodies name the venue every scenario has, so creations can succeed and chain."""
        if isinstance(body, dict) and isinstance(body.get("venue"), str):
            body["venue"] = "fuzz-hall"
        return body

    base = schema.as_state_machine()

    class Workflow(base):  # type: ignore[misc,valid-type]
        def setup(self) -> None:
            reset_server_state(redis_client)

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"headers": {"Authorization": f"Token {key}"}, "timeout": 10}

        def validate_response(self, response: Any, case: schemathesis.Case, **kwargs: Any) -> None:
            case.validate_response(
                response,
                excluded_checks=LEFT_OUT,
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    transitions = [n for n in dir(base) if getattr(getattr(base, n), RULE_MARKER, None)]
    assert any(n.startswith("POST_api_v1_receivers___201_GetReceiver") for n in transitions), (
        "no link from a receiver's creation to reading it: nothing is chained"
    )
    Workflow.run(
        settings=settings(
            max_examples=50,
            stateful_step_count=8,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
