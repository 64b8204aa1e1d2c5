"""The OpenAPI schema: valid, complete, and served with the Swagger UI from local assets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator  # noqa: PLC0415 - needs Django

    return dict(SchemaGenerator().get_schema(request=None, public=True))


def test_the_schema_validates_without_warnings(tmp_path: Path) -> None:
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    validate(yaml.safe_load(target.read_text()))


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]


def test_every_operation_is_described_with_errors_and_examples(schema: dict[str, Any]) -> None:
    found = operations(schema)
    assert len(found) == 85
    for method, path, operation in found:
        label = f"{method} {path}"
        assert operation.get("summary"), label
        assert operation.get("description"), label
        assert {"401", "403"} <= set(operation["responses"]), label
        success = [code for code in operation["responses"] if code.startswith("2")]
        assert len(success) == 1, label
        if method != "DELETE":
            content = operation["responses"][success[0]]["content"]
            # Every answer is JSON but the CSV export's.
            body = content["text/csv" if path.endswith("/export/") else "application/json"]
            assert body.get("examples"), label
        for parameter in operation.get("parameters", []):
            assert parameter.get("description"), f"{label} {parameter['name']}"


def test_the_schema_and_the_swagger_ui_are_served_without_a_cdn(client: Client) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "micboard API"
    page = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


def test_the_schema_names_the_models_and_protocols_the_server_accepts(
    schema: dict[str, Any],
) -> None:
    components = schema["components"]["schemas"]
    receiver = components["ReceiverCreateRequest"]["properties"]
    enums = {}
    for field in ("model", "protocol"):
        ref = receiver[field].get("$ref") or receiver[field]["allOf"][0]["$ref"]
        enums[field] = components[ref.rsplit("/", 1)[1]]["enum"]
    assert {"ULXD4Q", "QLXD4", "AD4Q", "UR4D", "P10T"} <= set(enums["model"])
    assert {"shure-tcp", "shure-uhfr"} <= set(enums["protocol"])


def test_the_channel_schema_shows_gain_and_group_channel_read_only(
    schema: dict[str, Any],
) -> None:
    channel = schema["components"]["schemas"]["Channel"]["properties"]
    assert channel["audio_gain_db"]["readOnly"]
    assert channel["group_channel"]["readOnly"]
    assert "gain in dB" in channel["audio_gain_db"]["description"]
    assert channel["group_channel"]["type"] == "string"
