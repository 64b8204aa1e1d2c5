"""Routes of the API (``/api/v1/``), its OpenAPI schema and the Swagger UI."""

from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from micboard.api import alert_configuration, alerts, audit, performers, views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("venues", views.VenueViewSet, basename="venue")
router.register("receivers", views.ReceiverViewSet, basename="receiver")
router.register("channels", views.ChannelViewSet, basename="channel")
router.register("groups", views.ChannelGroupViewSet, basename="group")
router.register("alerts", alerts.AlertViewSet, basename="alert")
router.register("alert-rules", alerts.AlertRuleViewSet, basename="alert-rule")
router.register("performers", performers.PerformerViewSet, basename="performer")
router.register("events", performers.EventViewSet, basename="event")
router.register("assignments", performers.AssignmentViewSet, basename="assignment")
router.register("watched-hours", alert_configuration.WatchedHoursViewSet, basename="watched-hours")
router.register("watched-events", alert_configuration.WatchedEventViewSet, basename="watched-event")
router.register("contact-lists", alert_configuration.ContactListViewSet, basename="contact-list")
router.register("contacts", alert_configuration.ContactViewSet, basename="contact")
router.register("notifications", alert_configuration.NotificationViewSet, basename="notification")
router.register("audit", audit.AuditEntryViewSet, basename="audit-entry")

urlpatterns: list[URLPattern | URLResolver] = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Page and script apart: the Content-Security-Policy allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"", views.not_found),
]
