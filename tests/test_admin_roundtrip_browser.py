"""Opening and saving an admin form unchanged changes nothing, in Chromium with JavaScript on.

The whole database (every model of the app, users and groups) is serialized before and after
each save and compared, so a form that drops a value anywhere, in its own row, an inline or a
side effect, shows up as a difference. Only what a save must bump is left out: lock numbers
(``version``) and ``updated_at``; history revisions and login records are other tables.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.core import serializers
from django.core.management import call_command
from django.urls import reverse

from commentary.admin.preservation import ReadOnlyAdmin
from commentary.models import (
    Affiliation,
    Citation,
    Collection,
    CollectionEntry,
    CollectionSection,
    Country,
    Expert,
    ExpertName,
    FormerSlug,
    Organization,
    Outlet,
    Quote,
    QuoteSpeaker,
    Source,
    StatusChange,
    Topic,
    Total,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "correct horse battery staple 42"
BUMPED = {"version", "updated_at"}


def snapshot():
    """{(model label, pk): {field: value}} for every row a form could touch."""
    models = [*apps.get_app_config("commentary").get_models(), User, Group]
    rows = {}
    for model in models:
        for row in serializers.serialize("python", model._base_manager.order_by("pk")):
            fields = {k: v for k, v in row["fields"].items() if k not in BUMPED}
            rows[(row["model"], row["pk"])] = fields
    return rows


def differences(before, after):
    found = []
    for key in sorted(before.keys() | after.keys(), key=str):
        old, new = before.get(key), after.get(key)
        if old is None or new is None:
            found.append(f"{key}: {'added' if old is None else 'deleted'}")
            continue
        for field in sorted(old.keys() | new.keys()):
            if old.get(field) != new.get(field):
                found.append(f"{key}.{field}: {old.get(field)!r} → {new.get(field)!r}")
    return found


def representatives():
    """model → the objects whose forms are opened: the hard cases of the seed."""
    medvedev = Expert.objects.get(name="Dmitry Medvedev")
    first_section = CollectionSection.objects.filter(collection__pk=1).order_by("position")[0]
    return {
        Quote: [
            Quote.objects.get(pk=1),  # four speakers, three sources
            Quote.objects.get(pk=35),  # Ryabkov: one speaker with a role
            Quote.objects.filter(original__isnull=False).order_by("pk")[0],  # a translation
        ],
        QuoteSpeaker: list(QuoteSpeaker.objects.filter(quote__pk=1).order_by("position")[:2]),
        Citation: [Citation.objects.filter(quote__pk=1).order_by("position")[0]],
        Expert: [medvedev],  # several roles and other names
        ExpertName: [medvedev.other_names.order_by("pk")[0]],
        Affiliation: [medvedev.affiliations.order_by("pk")[0]],
        Organization: [
            Organization.objects.filter(parent__isnull=False).first()
            or Organization.objects.order_by("pk")[0]
        ],
        Country: [Country.objects.get(code="RU")],
        Outlet: [Outlet.objects.order_by("pk")[0]],
        Source: [Source.objects.order_by("pk")[0], Source.objects.order_by("-pk")[0]],
        Topic: [Topic.objects.order_by("pk")[0]],
        Collection: list(Collection.objects.order_by("pk")),  # sections and entries
        CollectionSection: [first_section],
        CollectionEntry: [first_section.entries.order_by("position")[0]],
        StatusChange: [StatusChange.objects.order_by("pk")[0]],
        FormerSlug: [FormerSlug.objects.order_by("pk")[0]],
        Total: [Total.objects.get(name="statements")],
        User: [User.objects.get(username="roundtrip-admin")],
        Group: [Group.objects.get(name="Editors")],
    }


def login_records():
    """django-axes' records of failed logins (made here: a success clears them)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    seen = {"ip_address": "127.0.0.1", "username": "someone", "user_agent": "test"}
    AccessAttempt.objects.create(**seen, failures_since_start=1, get_data="", post_data="")
    AccessFailureLog.objects.create(**seen)
    return {
        model: list(model.objects.all()[:1])
        for model in (AccessAttempt, AccessLog, AccessFailureLog)
    }


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


@pytest.fixture
def seeded_admin(db):
    call_command("load_seed", verbosity=0)
    expert = Expert.objects.get(name="Dmitry Medvedev")
    FormerSlug.objects.create(content_type_id=_ct(Expert), object_id=expert.pk, slug="medvedev-d")
    return User.objects.create_superuser("roundtrip-admin", "admin@example.org", PASSWORD)


def _ct(model):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk


def open_and_save(page, url):
    """Open a change form, let its scripts settle, save and continue; the page's outcome."""
    page.goto(url)
    page.wait_for_load_state("networkidle", timeout=60000)  # slow machines: scripts settle
    save = page.locator("input[name=_continue]")
    if save.count() == 0:
        return "read-only"
    with page.expect_navigation():
        save.click()
    if page.locator(".errornote, .errorlist").count():
        return "errors: " + " | ".join(page.locator(".errornote, .errorlist").all_inner_texts())
    if page.locator(".messagelist .success").count() != 1:
        return "no success message"
    return "saved"


def test_saving_every_admin_form_unchanged_changes_nothing(browser_page, live_server, seeded_admin):
    page = browser_page
    log_in(page, live_server, "roundtrip-admin")  # leaves an AccessLog row
    chosen = {**representatives(), **login_records()}
    # The link checks and copies are read-only (the checker writes them): no form to save.
    uncovered = [
        m.__name__
        for m, model_admin in admin.site._registry.items()
        if not chosen.get(m) and not isinstance(model_admin, ReadOnlyAdmin)
    ]
    assert uncovered == [], "every registered admin needs representative objects"

    problems = {}
    outcomes = {}
    for model, objects in chosen.items():
        for obj in objects:
            meta = model._meta
            url = live_server.url + reverse(
                f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]
            )
            before = snapshot()
            outcome = open_and_save(page, url)
            outcomes[f"{meta.label} {obj.pk}"] = outcome
            changed = differences(before, snapshot())
            if changed or outcome.startswith(("errors", "no success")):
                problems[f"{meta.label} {obj.pk} ({outcome})"] = changed
    assert not problems, "\n".join(
        f"{form}:\n  " + "\n  ".join(changes) for form, changes in problems.items()
    )
    assert page.errors == []
    # Everything an editor edits was really saved, not skipped as read-only.
    read_only = ("commentary.StatusChange", "commentary.Total", "axes.")
    editable = [k for k in outcomes if not k.startswith(read_only)]
    assert all(outcomes[k] == "saved" for k in editable), outcomes


def test_role_survives_a_form_with_errors_and_clears_when_another_expert_is_picked(
    browser_page, live_server, seeded_admin
):
    page = browser_page
    log_in(page, live_server, "roundtrip-admin")
    quote = Quote.objects.get(pk=35)
    speaker = quote.speakers.get()
    text = quote.text
    url = live_server.url + reverse("admin:commentary_quote_change", args=[quote.pk])
    page.goto(url)
    page.wait_for_load_state("networkidle")
    role = page.locator("#id_speakers-0-affiliation")
    assert role.input_value() == str(speaker.affiliation_id)

    page.fill("#id_text", "")
    with page.expect_navigation():
        page.click("input[name=_continue]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".errornote").count() == 1
    assert role.input_value() == str(speaker.affiliation_id)

    page.fill("#id_text", text)
    with page.expect_navigation():
        page.click("input[name=_continue]")
    speaker.refresh_from_db()
    assert speaker.affiliation_id == 35

    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.click("[aria-labelledby=select2-id_speakers-0-expert-container]")
    page.fill(".select2-dropdown .select2-search__field", "Medvedev")
    page.click(".select2-results__option:has-text('Medvedev')")
    assert role.input_value() == ""
    assert page.errors == []
