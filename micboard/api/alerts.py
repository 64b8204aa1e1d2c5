"""API v1 for alerts (list, acknowledge, resolve) and alert rules (CRUD)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from micboard.api import alert_docs
from micboard.api.alert_serializers import (
    AcknowledgeSerializer,
    AlertFilterSerializer,
    AlertRuleFilterSerializer,
    AlertRuleSerializer,
    AlertSerializer,
)
from micboard.api.fields import ID_PATTERN
from micboard.composition import alert_service
from micboard.models import Alert, AlertRule
from micboard.selectors import alerts as selected
from micboard.services.alerts import rules


class CanHandleAlerts(BasePermission):
    """Acknowledging and resolving need ``micboard.change_alert``."""

    message = "Acknowledging and resolving alerts need the permission to change alerts."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("micboard.change_alert"))


def _validated(serializer_class: type[serializers.BaseSerializer[Any]], data: Any) -> Any:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@alert_docs.ALERTS
class AlertViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Alert]
):
    """Alerts: a rule's condition on a receiver or channel, from open to resolved."""

    queryset = Alert.objects.all()
    serializer_class = AlertSerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Alert]:
        if self.action != "list":
            return selected.alert_list()
        query = _validated(AlertFilterSerializer, self.request.query_params.dict())
        return selected.alert_list(
            venue_slug=query.get("venue", ""),
            state=query.get("state", ""),
            rule=query.get("rule", ""),
        )

    @alert_docs.ACKNOWLEDGE
    @action(detail=True, methods=["post"], permission_classes=[CanHandleAlerts])
    def acknowledge(self, request: Request, pk: str) -> Response:
        data = _validated(AcknowledgeSerializer, request.data)
        alert = alert_service().alert_acknowledge(
            alert_id=self.get_object().pk, by=request.user.get_username(), note=data.get("note", "")
        )
        return Response(AlertSerializer(selected.alert_list().get(pk=alert.pk)).data)

    @alert_docs.RESOLVE
    @action(detail=True, methods=["post"], permission_classes=[CanHandleAlerts])
    def resolve(self, request: Request, pk: str) -> Response:
        alert = alert_service().alert_resolve(
            alert_id=self.get_object().pk, by=request.user.get_username()
        )
        return Response(AlertSerializer(selected.alert_list().get(pk=alert.pk)).data)


@alert_docs.RULES
class AlertRuleViewSet(viewsets.ModelViewSet[AlertRule]):
    """Alert rules: what each venue watches for, its thresholds and timing."""

    queryset = AlertRule.objects.all()
    serializer_class = AlertRuleSerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[AlertRule]:
        if self.action != "list":
            return selected.alert_rule_list()
        query = _validated(AlertRuleFilterSerializer, self.request.query_params.dict())
        return selected.alert_rule_list(venue_slug=query.get("venue", ""))

    def perform_create(self, serializer: serializers.BaseSerializer[AlertRule]) -> None:
        serializer.instance = rules.rule_save(rule=AlertRule(**serializer.validated_data))

    def perform_update(self, serializer: serializers.BaseSerializer[AlertRule]) -> None:
        rule = serializer.instance
        assert rule is not None  # noqa: S101 - an update always has its instance
        for name, value in serializer.validated_data.items():
            setattr(rule, name, value)
        serializer.instance = rules.rule_save(rule=rule)
