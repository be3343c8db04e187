"""Create the "Editors" group with exactly the permissions editors need on content.

Editors add, change and view every content model. They may delete only rows that live
inside a statement, expert or collection form (speakers, citations, names, affiliations,
sections, entries), so that removing an inline row works; deleting a statement, expert,
source or collection is left to administrators (a public record is withdrawn, not deleted).
Countries are ISO reference data: view only. No access to users, groups or permissions.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Editors"
CONTENT = [
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
DELETABLE = [
    "expertname",
    "affiliation",
    "quotespeaker",
    "citation",
    "collectionsection",
    "collectionentry",
]


def codenames():
    names = {"view_country"}
    for model in CONTENT:
        names |= {f"add_{model}", f"change_{model}", f"view_{model}"}
    names |= {f"delete_{model}" for model in DELETABLE}
    return names


def create_editors(apps, schema_editor):
    # Permissions are normally created after migrate; make sure they exist now.
    app_config = apps.get_app_config("commentary")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    wanted = codenames()
    perms = Permission.objects.filter(content_type__app_label="commentary", codename__in=wanted)
    found = set(perms.values_list("codename", flat=True))
    missing = wanted - found
    if missing:
        raise RuntimeError(f"permissions not found: {sorted(missing)}")
    group.permissions.set(perms)


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("commentary", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
