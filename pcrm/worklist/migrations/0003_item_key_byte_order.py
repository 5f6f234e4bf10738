"""PostgreSQL: compare ``item_key`` byte by byte (collation "C").

The key is an identifier, never shown sorted; under the database's locale collation every
comparison goes through the C library's ``strcoll``, which makes building and probing the
unique index, millions of keys a night, markedly slower. Equality is the same either way.
SQLite compares bytes already. A later ``AlterField`` on ``item_key`` must repeat this:
changing a column's type on PostgreSQL resets its collation.
"""

from typing import Any

from django.db import migrations

TABLE, COLUMN = "worklist_workitem", "item_key"


def _collate(collation: str) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(
            f'ALTER TABLE {TABLE} ALTER COLUMN {COLUMN} TYPE varchar(200) COLLATE "{collation}"'
        )

    return run


class Migration(migrations.Migration):
    dependencies = [("worklist", "0002_lean_indexes_for_bulk_write")]

    operations = [migrations.RunPython(_collate("C"), _collate("default"))]
