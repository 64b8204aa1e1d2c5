"""API v1 for alerts (list, acknowledge, resolve) and alert rules (CRUD)."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from micboard.api import alert_docs, request_data
from micboard.api.alert_serializers import (
    AcknowledgeSerializer,
    AlertFilterSerializer,
    AlertRuleFilterSerializer,
    AlertRuleSerializer,
    AlertSerializer,
)
from micboard.api.fields import ID_PATTERN
from micboard.api.permissions import request_actor
from micboard.api.scoping import VenueScoped, read_by_viewers
from micboard.composition import alert_service
from micboard.models import Alert, AlertRule
from micboard.selectors import alerts as selected
from micboard.selectors.access import Capability
from micboard.services.alerts import rules


@alert_docs.ALERTS
class AlertViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    VenueScoped[Alert],
):
    """Alerts: a rule's condition on a receiver or channel, from open to resolved."""

    queryset = Alert.objects.none()
    serializer_class = AlertSerializer
    lookup_value_regex = ID_PATTERN
    venue_path = "venue"
    capabilities = {
        "list": Capability.VIEW,
        "retrieve": Capability.VIEW,
        "acknowledge": Capability.HANDLE_ALERTS,
        "resolve": Capability.HANDLE_ALERTS,
    }

    def get_queryset(self) -> QuerySet[Alert]:
        if self.action != "list":
            return self.visible(selected.alert_list())
        query = request_data.query(AlertFilterSerializer, self.request)
        return self.visible(
            selected.alert_list(
                venue_slug=query.get("venue", ""),
                state=query.get("state", ""),
                rule=query.get("rule", ""),
            )
        )

    @alert_docs.ACKNOWLEDGE
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        alert_id = self.get_object().pk
        data = request_data.validated(AcknowledgeSerializer, request.data)
        alert = alert_service().alert_acknowledge(
            alert_id=alert_id,
            by=request.user.get_username(),
            note=data.get("note", ""),
            actor=request_actor(request),
        )
        return Response(AlertSerializer(selected.alert_list().get(pk=alert.pk)).data)

    @alert_docs.RESOLVE
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str) -> Response:
        alert = alert_service().alert_resolve(
            alert_id=self.get_object().pk,
            by=request.user.get_username(),
            actor=request_actor(request),
        )
        return Response(AlertSerializer(selected.alert_list().get(pk=alert.pk)).data)


@alert_docs.RULES
class AlertRuleViewSet(VenueScoped[AlertRule], viewsets.ModelViewSet[AlertRule]):
    """Alert rules: what each venue watches for, its thresholds and timing."""

    queryset = AlertRule.objects.none()
    serializer_class = AlertRuleSerializer
    lookup_value_regex = ID_PATTERN
    venue_path = "venue"
    capabilities = read_by_viewers(Capability.EDIT_VENUE)

    def get_queryset(self) -> QuerySet[AlertRule]:
        if self.action != "list":
            return self.visible(selected.alert_rule_list())
        query = request_data.query(AlertRuleFilterSerializer, self.request)
        return self.visible(selected.alert_rule_list(venue_slug=query.get("venue", "")))

    def perform_create(self, serializer: serializers.BaseSerializer[AlertRule]) -> None:
        values = dict(serializer.validated_data)
        self.venue_allowed(values["venue"], Capability.EDIT_VENUE)
        serializer.instance = rules.rule_save(rule=AlertRule(**values))

    def perform_update(self, serializer: serializers.BaseSerializer[AlertRule]) -> None:
        rule = serializer.instance
        assert rule is not None  # noqa: S101 - an update always has its instance
        moved_to = serializer.validated_data.get("venue")
        if moved_to is not None and moved_to.pk != rule.venue_id:
            self.venue_allowed(moved_to, Capability.EDIT_VENUE)
        for name, value in serializer.validated_data.items():
            setattr(rule, name, value)
        serializer.instance = rules.rule_save(rule=rule)
