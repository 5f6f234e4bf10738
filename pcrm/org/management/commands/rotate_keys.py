from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import transaction

from pcrm.lib.commands import SummaryCommand
from pcrm.lib.crypto import EncryptedTextField, keyring


class Command(SummaryCommand):
    help = "Re-seal every encrypted value under the newest field key (after adding one)."

    def run(self, **options: Any) -> dict[str, Any]:
        ring, resealed = keyring(), 0
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            names = [f.attname for f in fields]
            # Raw values: compare key ids without decrypting what is already current.
            stale = [
                pk
                for pk, *vals in _raw(model, names)
                if any(v and not ring.sealed_with_primary(v) for v in vals)
            ]
            for start in range(0, len(stale), 2000):
                with transaction.atomic():
                    objs = list(model._base_manager.filter(pk__in=stale[start : start + 2000]))
                    model._base_manager.bulk_update(objs, names)
                    resealed += len(objs)
        return {"resealed_rows": resealed, "primary_key_id": ring.primary}


def _raw(model: Any, names: list[str]) -> list[tuple[Any, ...]]:
    from django.db import connection

    table = model._meta.db_table
    cols = ", ".join(connection.ops.quote_name(model._meta.get_field(n).column) for n in names)
    pk = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {pk}, {cols} FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return list(cursor.fetchall())
