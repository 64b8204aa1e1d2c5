"""Every API viewset reads its rows through its venue-scoped ``get_queryset`` only."""

from __future__ import annotations

from rest_framework.generics import GenericAPIView

from micboard.api.urls import router


def test_no_viewset_keeps_an_unscoped_queryset_of_its_own() -> None:
    for prefix, viewset, _basename in router.registry:
        assert viewset.get_queryset is not GenericAPIView.get_queryset, prefix
        queryset = viewset.queryset
        assert queryset is not None, prefix
        assert queryset.query.is_empty(), f"{prefix}: class-level queryset is not .none()"
