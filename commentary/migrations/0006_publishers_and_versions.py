"""Number existing rows for optimistic locking, and create the "Publishers" group.

(And, on SQLite, restore the search index's triggers, lost when 0005 rebuilt the table.)

Rows written before version fields existed start at version 1 (a form carrying version 0
would skip the concurrency check). Publishers can do everything editors can, and also
publish, withdraw and reinstate statements and collections, and merge duplicate experts and
outlets (which deletes the duplicates).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from commentary.search import fulltext

VERSIONED = [
    "country",
    "organization",
    "expert",
    "expertname",
    "affiliation",
    "outlet",
    "source",
    "topic",
    "quote",
    "quotespeaker",
    "citation",
    "collection",
    "collectionsection",
    "collectionentry",
]
EDITORS_EXTRA = {"view_statuschange", "view_formerslug"}
PUBLISHERS_EXTRA = {"publish_quote", "publish_collection", "delete_expert", "delete_outlet"}


def number_rows(apps, schema_editor):
    for name in VERSIONED:
        apps.get_model("commentary", name).objects.filter(version=0).update(version=1)


def create_publishers(apps, schema_editor):
    app_config = apps.get_app_config("commentary")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.get(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="commentary", codename__in=EDITORS_EXTRA
        )
    )
    publishers, _ = Group.objects.get_or_create(name="Publishers")
    extra = Permission.objects.filter(
        content_type__app_label="commentary", codename__in=PUBLISHERS_EXTRA
    )
    if extra.count() != len(PUBLISHERS_EXTRA):
        raise RuntimeError("publishing permissions not found")
    publishers.permissions.set([*editors.permissions.all(), *extra])


def restore_sqlite_triggers(apps, schema_editor):
    fulltext.restore_sqlite_triggers(schema_editor)


def remove_publishers(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Publishers").delete()


class Migration(migrations.Migration):
    dependencies = [("commentary", "0005_editorial_integrity")]

    operations = [
        # 0005 added columns to the quote table, which SQLite does by copying the table.
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
        migrations.RunPython(number_rows, migrations.RunPython.noop),
        migrations.RunPython(create_publishers, remove_publishers),
    ]
