"""ASGI entry point: uvicorn serves pages, the API and the SSE streams.

One path skips Django's page stack: the queue machine's swipe, whose answer and live
alert are waited for by a customer at the door (see ``pcrm.acquisition.hotpath``).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcrm.settings")
django_application = get_asgi_application()

from django.conf import settings  # noqa: E402  (after the app registry is ready)

from pcrm.acquisition.api import swipe_view  # noqa: E402
from pcrm.acquisition.hotpath import AsgiApp, Receive, Scope, Send, bare_route  # noqa: E402

SWIPES = "/api/v1/queue/swipes"
_bare: dict[str, AsgiApp] = {
    SWIPES: bare_route(swipe_view, max_body=settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
}


async def application(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "http":
        path = scope["path"]
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        route = _bare.get(path)
        if route is not None:
            await route(scope, receive, send)
            return
    await django_application(scope, receive, send)
