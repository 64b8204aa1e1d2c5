"""Django application config for micboard."""

from django.apps import AppConfig


class MicboardConfig(AppConfig):
    name = "micboard"
    verbose_name = "micboard"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from micboard import checks  # noqa: F401, PLC0415 - registers the deploy checks
        from micboard.composition import wall_feed  # noqa: PLC0415 - needs the models
        from micboard.infrastructure import (  # noqa: PLC0415
            alert_settings_version,
            wall_invalidation,
        )

        wall_invalidation.connect(wall_feed)
        alert_settings_version.connect()
