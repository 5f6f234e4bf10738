"""`pcrm serve [--port P] [--host H] [--workers N]`: serve PCRM with uvicorn.

Checks migrations first (applies them in development, refuses to start in production
with pending ones), and makes the static files available: in development the ASGI
application is wrapped with Django's static files handler (uvicorn serves no static
files); in production they are collected into STATIC_ROOT for the front proxy.
"""

from __future__ import annotations

from io import StringIO
from typing import Any, cast

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

APP_FACTORY = "pcrm.workbench.management.commands.serve:application_factory"


def application_factory() -> Any:
    """The ASGI application uvicorn runs (in every worker): static files in development."""
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.handlers.asgi import ASGIHandler

    from pcrm.asgi import application

    if settings.DEBUG:
        # The handler wraps any ASGI callable; its stubs name only Django's own handler.
        return ASGIStaticFilesHandler(cast(ASGIHandler, application))
    return application


class Command(BaseCommand):
    help = "用 uvicorn 启动 PCRM 网页与接口服务。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument("--log-level", default="info")

    def handle(self, *args: Any, **options: Any) -> None:
        import uvicorn

        self._migrations()
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0, stdout=StringIO())
        self.stdout.write(f"PCRM 服务地址：http://{options['host']}:{options['port']}/")
        self.stdout.flush()
        uvicorn.run(
            APP_FACTORY,
            factory=True,
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            lifespan="off",  # Django's ASGI handler has no lifespan events
            log_level=options["log_level"],
            proxy_headers=settings.PRODUCTION,
        )

    def _migrations(self) -> None:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if not pending:
            return
        if settings.PRODUCTION:
            names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in pending[:5])
            raise CommandError(
                f"有 {len(pending)} 个未执行的数据库迁移（{names}…）：请先运行 pcrm migrate"
            )
        call_command("migrate", interactive=False, verbosity=0, stdout=StringIO())
        connection.close()
