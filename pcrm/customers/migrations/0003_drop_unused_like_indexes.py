"""Drop the PostgreSQL ``*_like`` twins of the customer key and blind-index columns.

Django adds a ``varchar_pattern_ops`` index beside every indexed varchar column so that
``LIKE 'x%'`` can use it. The blind indexes (id_no_index, phone_index, email_index) are
HMACs looked up by equality only, and customer_no is looked up by equality and ranges
(which the plain unique index serves); no query prefix-matches them. Each such index
costs every inserted customer another B-tree insertion (issue 3: bulk import speed).
name_pinyin and name_initials lose all their indexes in 0004.
SQLite never had these indexes; there the migration does nothing.
"""

from django.db import migrations

TABLE = "customers_customer"
COLUMNS = ("customer_no", "id_no_index", "phone_index", "email_index")


def _like_name(schema_editor, column):
    return schema_editor._create_index_name(TABLE, [column], suffix="_like")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{_like_name(schema_editor, column)}"')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{_like_name(schema_editor, column)}" '
            f'ON "{TABLE}" ("{column}" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
