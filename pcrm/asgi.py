"""ASGI entry point: uvicorn serves pages, the API and the SSE streams."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcrm.settings")
application = get_asgi_application()
