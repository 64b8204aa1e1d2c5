"""A request's body and query parameters, checked by a serializer: invalid input is a 400."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.serializers import BaseSerializer

SerializerClass = type[BaseSerializer[Any]]


def validated(serializer_class: SerializerClass, data: Any, **kwargs: Any) -> Any:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def query(serializer_class: SerializerClass, request: Request) -> Any:
    """Query parameters as a plain dict: one given empty is invalid, not left out."""
    return validated(serializer_class, request.query_params.dict())
