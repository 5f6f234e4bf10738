"""`pcrm demo [--customers N] [--seed S] [--port P] [--no-serve]`: a working demo bank in one step.

Migrates, generates the demo bank (or reuses the one already there), runs today's
playbook when that command exists, prints the demo sign-ins and the one-line JSON
summary, then serves the UI.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from io import StringIO
from typing import Any

from django.conf import settings
from django.core.management import CommandError, call_command, get_commands
from django.core.management.base import CommandParser
from django.utils import timezone
from tqdm import tqdm

from pcrm.customers.models import Customer
from pcrm.demo.generator import bank_generate
from pcrm.demo.logins import DemoLogin, demo_logins_ensure
from pcrm.demo.models import DemoBank
from pcrm.demo.profile import section
from pcrm.demo.reset import bank_reset
from pcrm.lib.commands import BadInput, SummaryCommand


class Command(SummaryCommand):
    help = "生成演示银行（可重复运行），运行当日营销策略，并启动界面。"

    def add_arguments(self, parser: CommandParser) -> None:
        bank = section("bank")
        parser.add_argument("--customers", type=int, default=bank["default_customers"])
        parser.add_argument("--seed", type=int, default=bank["default_seed"])
        parser.add_argument("--branches", type=int, default=bank["default_branches"])
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-serve", action="store_true", help="生成后不启动界面")
        parser.add_argument(
            "--reset", action="store_true", help="删除已有演示客户数据后重新生成（仅限演示库）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        super().handle(*args, **options)
        if not options["no_serve"]:
            call_command("serve", port=options["port"], host=options["host"])

    def run(self, **options: Any) -> dict[str, Any]:
        if options["customers"] < 1:
            raise BadInput("--customers 必须大于 0")
        call_command("migrate", interactive=False, verbosity=0, stdout=StringIO())
        existing = self._existing(options["reset"])
        if existing is None:
            marker = self._generate(options)
        else:
            marker = existing
            if (existing.seed, existing.customers) != (options["seed"], options["customers"]):
                self.stderr.write(
                    f"已有演示银行（seed={existing.seed}，{existing.customers} 位客户），沿用；"
                    "如需按新参数重新生成，请加 --reset。"
                )
        logins = demo_logins_ensure()
        playbook = _playbook_run()
        self._print_logins(logins, options)
        return {
            "reused": existing is not None,
            "seed": marker.seed,
            "customers": marker.customers,
            "counts": marker.counts,
            "playbook": playbook,
            "logins": len(logins),
            "database": settings.DATABASES["default"]["NAME"],
            "url": None if options["no_serve"] else f"http://{options['host']}:{options['port']}/",
        }

    def _existing(self, reset: bool) -> DemoBank | None:
        if reset:
            if settings.PRODUCTION:
                raise BadInput("生产环境不允许 --reset")
            removed = bank_reset()
            self.stderr.write(f"已删除 {removed} 位演示客户及其数据。")
            return None
        marker = DemoBank.objects.order_by("-pk").first()
        if marker is None and Customer.objects.exists():
            raise BadInput(
                "数据库中已有非演示客户数据：请使用空数据库（或 PCRM_DATA_DIR 另选目录）"
            )
        return marker

    def _generate(self, options: dict[str, Any]) -> DemoBank:
        tqdm.monitor_interval = 0  # no monitor thread: large banks fork worker processes
        with tqdm(
            total=options["customers"], unit="客户", desc="生成演示银行", file=sys.stderr
        ) as bar:
            try:
                return bank_generate(
                    seed=options["seed"],
                    customers=options["customers"],
                    branches=options["branches"],
                    progress=_advance(bar),
                )
            except ValueError as exc:
                raise BadInput(str(exc)) from exc

    def _print_logins(self, logins: list[DemoLogin], options: dict[str, Any]) -> None:
        out = self.stdout
        out.write("")
        out.write(
            f"演示登录（员工号 / 密码，所有演示账号密码相同：{logins[0].password}）"
            if logins
            else ""
        )
        for login in logins:
            out.write(f"  {login.staff_code:<10} {login.role:<8} {login.branch:<12} {login.name}")
            if login.totp_secret:
                out.write(f"    需要动态口令：密钥 {login.totp_secret}")
                out.write(f"    {login.totp_uri}")
        if not options["no_serve"]:
            out.write(f"\n打开 http://{options['host']}:{options['port']}/ 登录。按 Ctrl+C 停止。")
        out.write("")


def _advance(bar: tqdm[Any]) -> Callable[[int], None]:
    def step(count: int) -> None:
        bar.update(count)

    return step


def _playbook_run() -> dict[str, Any] | None:
    """Run today's playbook if the `playbook` command exists; a failure does not stop the demo."""
    if "playbook" not in get_commands():
        return None
    out, err = StringIO(), StringIO()
    as_of = timezone.localdate().isoformat()
    try:
        call_command("playbook", "run", "--as-of", as_of, stdout=out, stderr=err)
    except (CommandError, SystemExit) as exc:
        return {"ok": False, "error": err.getvalue().strip().splitlines()[-1:] or str(exc)}
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    try:
        summary: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    except ValueError:
        summary = {"ok": True}
    return summary
