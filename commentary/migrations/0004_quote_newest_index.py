"""Newest-first lists on PostgreSQL: an index in exactly their order.

Lists sort by ``said_on DESC NULLS LAST, id DESC`` (undated statements last). PostgreSQL
can only walk an index for that order if the index has it; without one, page 1 of a million
statements sorted them all (about 600 ms). SQLite puts NULLs last in descending order
anyway, so its existing ``quote_status_date_idx`` already serves the order (and there the
syntax ``NULLS LAST`` is not allowed in an index).
"""

from django.db import migrations

INDEX = "quote_newest_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON commentary_quote "
            "(status, said_on DESC NULLS LAST, id DESC)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("commentary", "0003_search_index")]

    operations = [migrations.RunPython(create, drop)]
