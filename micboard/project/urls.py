"""URL routes of the project."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("api/", include("micboard.api.urls")),
    path("", include("micboard.web.urls")),
]
