"""The ASGI app for tests and benchmarks that run a real uvicorn: the project's app
with static files served (there is no reverse proxy in a test)."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcrm.settings")

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

from pcrm.asgi import application as django_application

application = ASGIStaticFilesHandler(django_application)
