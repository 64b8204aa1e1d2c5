"""Page-number pagination with a client-chosen page size (``?page=2&page_size=100``)."""

from __future__ import annotations

import re
from typing import Any

from rest_framework import pagination, serializers
from rest_framework.request import Request
from rest_framework.views import APIView


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request: Request) -> int:
        """The requested size, 1-500; a malformed size is a 400, not silently the default."""
        raw = request.query_params.get(self.page_size_query_param or "")
        if raw is None:
            return self.page_size
        if not re.fullmatch(r"[0-9]{1,4}", raw) or not 1 <= int(raw) <= self.max_page_size:
            raise serializers.ValidationError(
                {self.page_size_query_param: f"a whole number from 1 to {self.max_page_size}"}
            )
        return int(raw)

    def get_page_number(self, request: Request, paginator: Any) -> int:
        """The requested page: a whole number from 1, or "last"; anything else is a 400."""
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        if raw in self.last_page_strings:
            return int(paginator.num_pages)
        if re.fullmatch(r"[0-9]{1,9}", raw) and int(raw) >= 1:
            return int(raw)
        raise serializers.ValidationError({self.page_query_param: "a whole number from 1"})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        properties = paginated["properties"]
        properties["count"]["example"] = 120
        properties["next"]["example"] = "https://micboard.example.org/api/v1/channels/?page=3"
        properties["previous"]["example"] = "https://micboard.example.org/api/v1/channels/?page=1"
        return paginated

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            schema = parameter["schema"]
            schema["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                schema["maximum"] = self.max_page_size
        return parameters
