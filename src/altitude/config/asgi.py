"""ASGI entry point for uvicorn and friends."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "altitude.config.settings")
application = get_asgi_application()
