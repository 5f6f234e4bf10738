from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from pcrm.lib.commands import BadInput, SummaryCommand
from pcrm.org.models import ApiToken, Branch
from pcrm.org.services import api_token_create


class Command(SummaryCommand):
    help = "Create an API token for a queue device or a system; prints it once."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("--name", required=True)
        create.add_argument("--kind", required=True, choices=[k.value for k in ApiToken.Kind])
        create.add_argument("--branch", help="branch code (required for queue devices)")

    def run(self, **options: Any) -> dict[str, Any]:
        branch = None
        if options["branch"]:
            branch = Branch.objects.filter(code=options["branch"]).first()
            if branch is None:
                raise BadInput(f"unknown branch code: {options['branch']}")
        try:
            token, raw = api_token_create(
                actor=None, name=options["name"], kind=options["kind"], branch=branch
            )
        except ValueError as exc:
            raise BadInput(str(exc)) from exc
        self.stdout.write(raw)
        return {
            "token_id": token.pk,
            "prefix": token.prefix,
            "kind": token.kind,
            "branch": branch.code if branch else None,
        }
