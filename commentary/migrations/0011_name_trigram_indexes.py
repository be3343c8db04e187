"""Trigram indexes for finding experts by any part of any name (``icontains`` is
``UPPER(name) LIKE UPPER('%…%')``): on PostgreSQL only, with the pg_trgm extension (in
PostgreSQL's contrib, a trusted extension since PostgreSQL 13). SQLite scans, which at
its sizes is fast enough."""

from django.db import migrations

INDEXES = [
    ("expert_name_trgm_idx", "commentary_expert", "name"),
    ("expert_name_zh_trgm_idx", "commentary_expert", "name_zh"),
    ("expertname_name_trgm_idx", "commentary_expertname", "name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin (upper({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("commentary", "0010_quote_updated_index")]

    operations = [migrations.RunPython(create, drop)]
