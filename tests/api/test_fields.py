"""Body fields take the JSON types the schema states, and nothing they could be coerced from."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework import serializers

from micboard.api.fields import JsonBoolean, JsonInteger, JsonSlug, JsonString


@pytest.mark.parametrize(
    ("field", "good", "bad"),
    [
        (JsonString(), "Rack 1", [5, 1.5, True, ["x"]]),
        (JsonSlug(), "grand-hall", [0, False]),
        (JsonInteger(), 2202, ["2202", 2202.0, True]),
        (JsonBoolean(), False, ["false", 0, "yes"]),
    ],
)
def test_only_the_stated_json_type_passes(
    field: serializers.Field[Any, Any, Any, Any], good: object, bad: list[object]
) -> None:
    assert field.run_validation(good) == good
    for value in bad:
        with pytest.raises(serializers.ValidationError):
            field.run_validation(value)
