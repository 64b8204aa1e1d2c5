"""ASGI entry point (refused with a venue worker's settings)."""

import os

from django.core.asgi import get_asgi_application

from micboard.project.roles import refuse_in_venue_worker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "micboard.project.settings")
application = get_asgi_application()
refuse_in_venue_worker("the web app")
