"""One builder of the OpenAPI description of a resource's list, get, add, replace, change, delete.

The texts differ from resource to resource; what each operation shows does not: the list its
filters, every operation on one object the object's id (where the path documents it), the
writes their request and response, and every answer but a deletion the resource's example.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)

_ON_ONE = {"retrieve", "update", "partial_update", "destroy"}


def resource_schema(
    *,
    shown: OpenApiExample,
    filters: type | None = None,
    identifier: OpenApiParameter | None = None,
    serializer: type | None = None,
    create_request: type | None = None,
    update_request: type | None = None,
    create_example: OpenApiExample | None = None,
    patch_example: OpenApiExample | None = None,
    **texts: tuple[str, str],
) -> Any:
    """``extend_schema_view`` for the actions named in ``texts`` (action: summary and
    description). A write names its request only where ``create_request`` or
    ``update_request`` is given, and then answers ``serializer``."""
    requested = {"create": create_example, "partial_update": patch_example}
    operations = {}
    for name, (summary, description) in texts.items():
        options: dict[str, Any] = {"summary": summary, "description": description}
        if name == "list":
            options["parameters"] = [filters] if filters else []
        elif name in _ON_ONE and identifier is not None:
            options["parameters"] = [identifier]
        request = create_request if name == "create" else update_request
        if name in {"create", "update", "partial_update"} and request is not None:
            options["request"] = request
            options["responses"] = {201 if name == "create" else 200: serializer}
        if name != "destroy":
            example = requested.get(name)
            options["examples"] = [example, shown] if example else [shown]
        operations[name] = extend_schema(**options)
    return extend_schema_view(**operations)
