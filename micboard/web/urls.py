"""Routes of the display wall."""

from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import URLPattern, path
from django.views.generic import RedirectView

from micboard.web import photos, views

urlpatterns: list[URLPattern] = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="micboard/login.html", redirect_authenticated_user=True
        ),
        name="micboard-login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="micboard-logout"),
    path("wall/", views.wall_page, name="micboard-wall-all"),
    path("wall/state.json", views.wall_state, name="micboard-wall-state-all"),
    path("wall/<slug:slug>/", views.wall_page, name="micboard-wall"),
    path("wall/<slug:slug>/state.json", views.wall_state, name="micboard-wall-state"),
    path("kiosk/<str:token>/", views.kiosk_page, name="micboard-kiosk"),
    path(
        "performers/<int:performer_id>/<str:size>.jpg",
        photos.performer_photo,
        name="micboard-performer-photo",
    ),
    # Browsers ask for /favicon.ico on pages that name no icon (JSON, the API's pages).
    path(
        "favicon.ico",
        RedirectView.as_view(url=static("micboard/favicon.svg"), permanent=True),
        name="micboard-favicon",
    ),
]
