"""Nothing incomplete is published, and published statements change only through review.

A statement is published only with a speaker and a source, its own or, for a translation,
its published original's (shown, not copied), on every path: the change form, the bulk
action, a revert, an import; the last speaker or source of a published statement cannot be
removed. Records that published statements show (roles, organisations, experts' names,
outlets, sources) are read-only to editors while used, cannot be deleted, and a publisher's
change to one is recorded in every statement's history.
"""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import ProtectedError
from reversion.models import Version

from commentary.models import (
    Affiliation,
    Citation,
    Expert,
    ExpertName,
    Organization,
    Outlet,
    Quote,
    QuoteSpeaker,
    Source,
)

from .forms import form_data
from .test_editorial import account, change_url, open_form, run_action, save

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return account("editor", "Editors")


@pytest.fixture
def publisher():
    return account("publisher", "Publishers")


@pytest.fixture
def bare_quote():
    """A statement in review with no speaker and no source."""
    return Quote.objects.create(
        text="Words nobody said.", language="en", kind="direct", status="review"
    )


# Publishing needs a speaker and a source --------------------------------------------------


def test_bulk_publish_refuses_a_statement_without_speaker_or_source(publisher, bare_quote):
    response = run_action(publisher, Quote, "make_published", [bare_quote])
    assert response.status_code == 302
    bare_quote.refresh_from_db()
    assert bare_quote.status == "review"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("no speaker and no source" in m for m in messages), messages


def test_bulk_publish_refuses_a_statement_without_a_source(publisher, make_quote):
    quote = make_quote(status="review")
    quote.citations.all().delete()
    run_action(publisher, Quote, "make_published", [quote])
    quote.refresh_from_db()
    assert quote.status == "review"


def test_bulk_publish_of_a_complete_statement_goes_through(publisher, make_quote):
    quote = make_quote(status="review")
    run_action(publisher, Quote, "make_published", [quote])
    quote.refresh_from_db()
    assert quote.status == "published"


def test_change_form_refuses_to_publish_without_speakers_and_says_why(publisher, bare_quote):
    html = open_form(publisher, bare_quote)
    response = save(publisher, bare_quote, html, status="published")
    assert response.status_code == 200
    assert "cannot be published: it has no speaker and no source" in response.content.decode()
    bare_quote.refresh_from_db()
    assert bare_quote.status == "review"


def test_change_form_publishes_with_the_rows_entered_in_the_same_save(
    publisher, bare_quote, make_expert, make_source
):
    expert, source = make_expert(), make_source()
    html = open_form(publisher, bare_quote)
    response = save(
        publisher,
        bare_quote,
        html,
        status="published",
        **{"speakers-0-expert": str(expert.pk), "citations-0-source": str(source.pk)},
    )
    assert response.status_code == 302
    bare_quote.refresh_from_db()
    assert bare_quote.status == "published"
    assert bare_quote.speakers.get().expert == expert


def test_publisher_cannot_remove_the_last_speaker_of_a_published_statement(publisher, make_quote):
    quote = make_quote()
    response = save(publisher, quote, open_form(publisher, quote), **{"speakers-0-DELETE": "on"})
    assert response.status_code == 200
    assert "no speaker" in response.content.decode()
    assert quote.speakers.count() == 1


def test_last_speaker_and_source_rows_of_a_published_statement_cannot_be_deleted(
    publisher, make_quote
):
    quote = make_quote()
    for row in (quote.speakers.get(), quote.citations.get()):
        url = f"/admin/commentary/{row._meta.model_name}/{row.pk}/delete/"
        page = publisher.get(url).content.decode()
        assert "cannot be published" in page
        publisher.post(url, {"post": "yes"})
        assert type(row).objects.filter(pk=row.pk).exists()


def test_moving_the_last_speaker_to_another_statement_is_refused(publisher, make_quote):
    quote, other = make_quote(), make_quote(status="draft")
    row = QuoteSpeaker.objects.get(quote=quote)
    html = open_form(publisher, row)
    data = form_data(html, "quotespeaker_form", quote=str(other.pk), position="9")
    response = publisher.post(change_url(row), data)
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.quote == quote


def test_reverting_a_published_statement_to_a_version_without_speakers_is_refused(
    publisher, bare_quote, make_expert, make_source
):
    call_command("createinitialrevisions", "commentary.Quote", verbosity=0)
    empty = Version.objects.get_for_object(bare_quote).latest("pk")
    QuoteSpeaker.objects.create(quote=bare_quote, expert=make_expert(), position=1)
    Citation.objects.create(quote=bare_quote, source=make_source(), position=1)
    run_action(publisher, Quote, "make_published", [bare_quote])
    bare_quote.refresh_from_db()
    assert bare_quote.status == "published"
    url = f"/admin/commentary/quote/{bare_quote.pk}/history/{empty.pk}/"
    data = form_data(publisher.get(url).content.decode(), "quote_form")
    response = publisher.post(url, data)
    assert response.status_code == 200
    assert bare_quote.speakers.count() == 1
    assert bare_quote.citations.count() == 1


def test_translation_shows_its_published_originals_speakers_and_sources(
    client, publisher, make_quote
):
    original = make_quote("The original words.")
    translation = Quote.objects.create(
        text="原话的译文。", language="zh-Hans", kind="direct", status="review", original=original
    )
    run_action(publisher, Quote, "make_published", [translation])
    translation.refresh_from_db()
    assert translation.status == "published"
    assert translation.speakers.count() == 0  # inherited, not copied
    page = client.get(translation.get_absolute_url()).content.decode()
    speaker = original.speakers.get().expert
    source = original.citations.get().source
    assert speaker.name in page
    assert source.outlet.name in page
    assert "as given for the original statement" in page


def test_inherited_speakers_and_sources_reach_feeds_exports_and_the_api(client, make_quote):
    original = make_quote("The original words.")
    translation = Quote.objects.create(
        text="原话的译文。",
        language="zh-Hans",
        kind="direct",
        status="published",
        original=original,
    )
    name = original.speakers.get().expert.name
    outlet = original.citations.get().source.outlet.name
    feed = client.get("/quotes/feed/").content.decode()
    assert f"<title>{name}: “原话的译文。”</title>" in feed
    export = b"".join(client.get("/quotes/export.jsonl").streaming_content).decode()
    row = next(line for line in export.splitlines() if "原话的译文" in line)
    assert name in row and outlet in row
    api = client.get(f"/api/quotes/{translation.pk}/").json()
    assert [s["expert"]["name"] for s in api["speakers"]] == [name]


def test_translation_of_an_unpublished_original_is_not_published(publisher, make_quote):
    original = make_quote(status="draft")
    translation = Quote.objects.create(
        text="译文。", language="zh-Hans", kind="direct", status="review", original=original
    )
    run_action(publisher, Quote, "make_published", [translation])
    translation.refresh_from_db()
    assert translation.status == "review"


def test_check_publication_lists_incomplete_published_statements(make_quote):
    complete = make_quote()
    out = io.StringIO()
    call_command("check_publication", stdout=out)
    assert "Every published statement" in out.getvalue()
    broken = Quote.objects.create(text="Orphan.", language="en", kind="direct", status="published")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("check_publication", stdout=out)
    assert f"{broken.pk}\t" in out.getvalue()
    assert f"{complete.pk}\t" not in out.getvalue()


def test_the_seed_is_complete(seeded):
    assert not Quote.objects.published().incomplete().exists()


# Records shown by published statements -----------------------------------------------------


def _role_of(quote):
    return quote.speakers.get().affiliation


def test_editor_cannot_change_or_delete_a_role_a_published_statement_shows(editor, make_quote):
    role = _role_of(make_quote())
    response = save(editor, role, open_form(editor, role), role="Janitor", role_zh="门卫")
    role.refresh_from_db()
    assert role.role == "Fellow"
    assert response.status_code in (200, 302)
    assert editor.get(f"/admin/commentary/affiliation/{role.pk}/delete/").status_code == 403
    assert editor.post(f"/admin/commentary/affiliation/{role.pk}/delete/", {"post": "yes"})
    assert Affiliation.objects.filter(pk=role.pk).exists()


def test_editor_may_still_change_a_role_only_drafts_use(editor, make_quote):
    role = _role_of(make_quote(status="draft"))
    assert save(editor, role, open_form(editor, role), role="Senior fellow").status_code == 302
    role.refresh_from_db()
    assert role.role == "Senior fellow"


def test_editor_cannot_rename_what_published_statements_show(editor, make_quote):
    quote = make_quote()
    speaker = quote.speakers.get()
    expert, organization = speaker.expert, speaker.affiliation.organization
    source = quote.citations.get().source
    outlet = source.outlet
    ExpertName.objects.create(expert=expert, name="Old spelling")
    for obj, field in (
        (expert, "name"),
        (organization, "name"),
        (outlet, "name"),
        (source, "title"),
    ):
        before = getattr(obj, field)
        save(editor, obj, open_form(editor, obj), **{field: "Renamed by an editor"})
        obj.refresh_from_db()
        assert getattr(obj, field) == before, type(obj).__name__
    # The expert form's role and other-name rows are read-only too.
    html = open_form(editor, expert)
    save(editor, expert, html, **{"affiliations-0-role": "Janitor", "other_names-0-name": "X"})
    assert Affiliation.objects.get(pk=speaker.affiliation_id).role == "Fellow"
    assert ExpertName.objects.get(expert=expert).name == "Old spelling"
    assert editor.post(f"/admin/commentary/source/{source.pk}/delete/", {"post": "yes"})
    assert Source.objects.filter(pk=source.pk).exists()


def test_publisher_change_to_a_role_is_recorded_in_each_statements_history(
    publisher, make_quote, make_expert
):
    quote = make_quote()
    role = _role_of(quote)
    other = make_quote(speakers=[role.expert])
    QuoteSpeaker.objects.filter(quote=other).update(affiliation=role)
    before = {q.pk: Version.objects.get_for_object(q).count() for q in (quote, other)}
    response = save(publisher, role, open_form(publisher, role), role="Senior fellow")
    assert response.status_code == 302
    for q in (quote, other):
        assert Version.objects.get_for_object(q).count() == before[q.pk] + 1


def test_a_role_in_use_cannot_be_deleted_even_by_a_publisher(publisher, make_quote):
    quote = make_quote()
    role = _role_of(quote)
    page = publisher.get(f"/admin/commentary/affiliation/{role.pk}/delete/").content.decode()
    assert str(quote) in page
    publisher.post(f"/admin/commentary/affiliation/{role.pk}/delete/", {"post": "yes"})
    assert Affiliation.objects.filter(pk=role.pk).exists()
    with pytest.raises(ProtectedError):
        role.delete()


def test_the_api_has_no_way_to_write(client, make_quote):
    quote = make_quote()
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(f"/api/quotes/{quote.pk}/", {})
        assert response.status_code in (403, 405), method
    assert Quote.objects.get(pk=quote.pk).status == "published"


def test_every_admin_of_a_shown_record_is_protected():
    from django.contrib import admin

    from commentary.admin.protection import ShownOnStatementsAdmin

    for model in (Affiliation, Organization, Expert, ExpertName, Outlet, Source):
        assert isinstance(admin.site._registry[model], ShownOnStatementsAdmin), model


def test_editor_cannot_bulk_delete_what_published_statements_show(editor, make_quote):
    quote = make_quote()
    role = _role_of(quote)
    source = quote.citations.get().source
    for obj in (role, source, source.outlet, role.organization, role.expert):
        response = run_action(editor, type(obj), "delete_selected", [obj], post="yes")
        assert response.status_code in (200, 302, 403)
        assert type(obj).objects.filter(pk=obj.pk).exists(), type(obj).__name__


@pytest.fixture
def inheriting(make_quote, make_collection):
    """A published original and its published translation with no rows of its own."""
    original = make_quote("The original words.")
    translation = Quote.objects.create(
        text="原话的译文。",
        language="zh-Hans",
        kind="direct",
        status="published",
        original=original,
    )
    make_collection(quotes=[translation])
    return original, translation


def test_clearing_the_original_of_an_inheriting_translation_is_refused(publisher, inheriting):
    _original, translation = inheriting
    response = save(publisher, translation, open_form(publisher, translation), original="")
    assert response.status_code == 200
    translation.refresh_from_db()
    assert translation.original_id == _original.pk


def test_an_original_its_translations_inherit_from_stays_published(publisher, inheriting):
    original, translation = inheriting
    run_action(publisher, Quote, "make_withdrawn", [original])
    original.refresh_from_db()
    assert original.status == "published"
    run_action(publisher, Quote, "make_withdrawn", [translation])
    run_action(publisher, Quote, "make_withdrawn", [Quote.objects.get(pk=original.pk)])
    assert Quote.objects.get(pk=original.pk).status == "withdrawn"
    assert not Quote.objects.published().incomplete().exists()


def test_collection_pages_and_list_citations_show_inherited_speakers(client, inheriting):
    original, translation = inheriting
    name = original.speakers.get().expert.name
    collection = translation.collection_entries.get().section.collection
    assert name in client.get(collection.get_absolute_url()).content.decode()
    bib = b"".join(client.get("/quotes/cite.bib").streaming_content).decode()
    entry = next(e for e in bib.split("\n@") if "原话的译文" in e)
    assert name.split("-")[0] in entry


def test_odd_translation_of_values_give_the_plain_add_form(editor):
    for value in ("²", "١", "9" * 40, "-1", ""):
        assert (
            editor.get("/admin/commentary/quote/add/", {"translation_of": value}).status_code == 200
        )


def test_editor_cannot_repoint_the_archived_copy_of_a_shown_source(editor, make_quote):
    source = make_quote().citations.get().source
    save(editor, source, open_form(editor, source), archived_url="https://evil.example/")
    source.refresh_from_db()
    assert source.archived_url == ""
