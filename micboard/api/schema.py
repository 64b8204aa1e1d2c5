"""OpenAPI post-processing: the error envelope, documented once and added to every operation."""

from __future__ import annotations

from typing import Any

from micboard.api.examples import ERROR_EXAMPLES

_ENVELOPE = {
    "type": "object",
    "description": "Every error the API returns.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {
                    "type": "string",
                    "description": "Stable, machine-readable, e.g. validation_error.",
                },
                "message": {"type": "string", "description": "For people."},
                "details": {
                    "type": "object",
                    "additionalProperties": {},
                    "description": "Per-field problems, or other context; may be empty.",
                },
            },
            "required": ["code", "message", "details"],
        }
    },
    "required": ["error"],
}

_DESCRIPTIONS = {
    "400": "Invalid input: a malformed parameter or body, or settings the service refused.",
    "401": "No valid credentials (session or `Authorization: Token <key>`).",
    "403": "Authenticated, but the venue role (or a read-only token) does not allow this.",
    "404": "No such object, or a page past the end.",
    "409": "Conflicts with the current state, e.g. an address or group key already taken.",
    "413": "The body is larger than the server accepts.",
    "415": "The body is not JSON.",
}

# A path ID as the routes take it: 1-18 digits (see ``ID_PATTERN`` in views).
_ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": 10**18 - 1}


def _error_codes(method: str, operation: dict[str, Any]) -> list[str]:
    parameters = operation.get("parameters", [])
    codes = ["401", "403"]
    if "requestBody" in operation or any(p["in"] == "query" for p in parameters):
        codes.append("400")
    if any(p["in"] in {"path", "query"} for p in parameters):
        codes.append("404")
    if "requestBody" in operation:
        codes.extend(["409", "413", "415"])
    return codes


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular POSTPROCESSING_HOOK: error responses in the envelope, with examples."""
    result.setdefault("components", {}).setdefault("schemas", {})["ErrorEnvelope"] = _ENVELOPE
    reference = {"$ref": "#/components/schemas/ErrorEnvelope"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] == "id":
                    parameter["schema"] = dict(_ID_SCHEMA)
                    parameter.setdefault("description", "The object's ID.")
            for code in _error_codes(method, operation):
                content: dict[str, Any] = {"schema": reference}
                if code in ERROR_EXAMPLES:
                    content["example"] = ERROR_EXAMPLES[code]
                operation["responses"].setdefault(
                    code,
                    {"description": _DESCRIPTIONS[code], "content": {"application/json": content}},
                )
    return result
