"""URL routes of the project."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("api/", include("micboard.api.urls")),
    path("", include("micboard.web.urls")),
]

# Under /api/ the error pages are the API's JSON envelope; elsewhere Django's templates.
handler400 = "micboard.api.errors.bad_request"
handler403 = "micboard.api.errors.permission_denied"
handler404 = "micboard.api.errors.page_not_found"
handler500 = "micboard.api.errors.server_error"
