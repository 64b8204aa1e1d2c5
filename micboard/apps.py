"""Django application config for micboard."""

from django.apps import AppConfig


class MicboardConfig(AppConfig):
    name = "micboard"
    verbose_name = "micboard"
    default_auto_field = "django.db.models.BigAutoField"
