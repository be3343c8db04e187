"""Editorial integrity in the admin: the review workflow (editors cannot publish by any
path), history with compare and revert, optimistic locking, the duplicate warning, merges,
old slugs, and the login lockout."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from reversion.models import Version

from commentary.models import (
    Affiliation,
    Collection,
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
)

from .forms import form_data

pytestmark = pytest.mark.django_db
PASSWORD = "a long and unusual password 7"


def account(name, group):
    user = User.objects.create_user(name, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def editor():
    return account("editor", "Editors")


@pytest.fixture
def other_editor():
    return account("other-editor", "Editors")


@pytest.fixture
def publisher():
    return account("publisher", "Publishers")


def change_url(obj):
    return f"/admin/commentary/{obj._meta.model_name}/{obj.pk}/change/"


def changelist(model):
    return f"/admin/commentary/{model._meta.model_name}/"


def open_form(client, obj):
    response = client.get(change_url(obj))
    assert response.status_code == 200
    return response.content.decode()


def save(client, obj, html, **changes):
    data = form_data(html, f"{obj._meta.model_name}_form", **changes)
    data.pop("_saveasnew", None)
    data.pop("_continue", None)
    return client.post(change_url(obj), data)


def selection(*objs):
    return [f"{obj.pk},{obj.version}" for obj in objs]


def run_action(client, model, action, objs, **extra):
    return client.post(
        changelist(model),
        {"action": action, "_selected_action": selection(*objs), "index": 0, **extra},
    )


# The workflow ---------------------------------------------------------------------------


def test_groups_editors_cannot_publish_and_publishers_can():
    editors = Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    publishers = Group.objects.get(name="Publishers").permissions.values_list("codename", flat=True)
    assert "publish_quote" not in editors and "publish_collection" not in editors
    assert {"publish_quote", "publish_collection"} <= set(publishers)
    assert set(editors) <= set(publishers)


def test_editor_submits_and_publisher_publishes_recorded_with_who_and_when(
    editor, publisher, make_quote
):
    quote = make_quote(status="draft")
    response = run_action(editor, Quote, "make_review", [quote])
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.status == "review"
    response = run_action(publisher, Quote, "make_published", [quote])
    quote.refresh_from_db()
    assert quote.status == "published"
    log = list(quote.status_changes.order_by("at", "pk"))
    assert [(c.from_status, c.to_status) for c in log] == [
        ("", "draft"),
        ("draft", "review"),
        ("review", "published"),
    ]
    assert [c.user for c in log] == [None, editor.user, publisher.user]
    assert all(c.at for c in log)
    html = open_form(publisher, quote)
    assert "review → published".replace("review", "in review") in html.replace("&gt;", ">")


def test_awaiting_review_filter(editor, make_quote):
    waiting = make_quote("WAITING-FOR-REVIEW", status="review")
    make_quote("STILL-A-DRAFT", status="draft")
    html = editor.get(changelist(Quote), {"workflow": "review"}).content.decode()
    assert "WAITING-FOR-REVIEW" in html and "STILL-A-DRAFT" not in html
    assert str(waiting.pk) in html


def test_editor_cannot_publish_through_the_add_form(editor, make_expert):
    html = editor.get("/admin/commentary/quote/add/").content.decode()
    assert 'value="published"' not in html
    data = form_data(html, "quote_form", text="Crafted words.", kind="direct", language="en")
    data.update(status="published", said_on="2026-02-04")
    response = editor.post("/admin/commentary/quote/add/", data)
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    assert not Quote.objects.exists()


def test_editor_cannot_publish_through_the_change_form(editor, make_quote):
    quote = make_quote(status="review")
    response = save(editor, quote, open_form(editor, quote), status="published")
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    quote.refresh_from_db()
    assert quote.status == "review"


@pytest.mark.parametrize("action", ["make_published", "make_withdrawn"])
def test_editor_cannot_publish_through_actions(editor, make_quote, action):
    review, published = make_quote(status="review"), make_quote(status="published")
    run_action(editor, Quote, action, [review, published])
    # And the "select all" form of the action, across every page.
    editor.post(
        changelist(Quote),
        {"action": action, "select_across": "1", "index": 0, "_selected_action": []},
    )
    assert Quote.objects.get(pk=review.pk).status == "review"
    assert Quote.objects.get(pk=published.pk).status == "published"


def test_editor_cannot_change_a_published_statement_or_its_inline_rows(editor, make_quote):
    quote = make_quote("PUBLISHED-WORDS", status="published")
    html = open_form(editor, quote)  # view-only page, no save button
    assert 'name="_save"' not in html
    data = form_data(html, "quote_form", text="Rewritten by an editor.")
    assert editor.post(change_url(quote), data).status_code == 403
    speaker = quote.speakers.get()
    assert editor.post(change_url(speaker), {"quote": quote.pk}).status_code == 403
    # Adding a speaker row to the published statement from the speaker admin is refused.
    other = Expert.objects.create(name="Someone Else", slug="someone-else")
    add = editor.get("/admin/commentary/quotespeaker/add/").content.decode()
    data = form_data(add, "quotespeaker_form", quote=quote.pk, expert=other.pk, position=5)
    response = editor.post("/admin/commentary/quotespeaker/add/", data)
    assert response.status_code == 200
    assert "only a publisher" in response.content.decode()
    assert quote.speakers.count() == 1
    quote.refresh_from_db()
    assert quote.text == "PUBLISHED-WORDS"


def test_editor_cannot_add_entries_to_a_published_collection(editor, make_collection, make_quote):
    collection = make_collection(status="published")
    section = collection.sections.get()
    draft = make_quote(status="draft")
    add = editor.get("/admin/commentary/collectionentry/add/").content.decode()
    data = form_data(add, "collectionentry_form", section=section.pk, quote=draft.pk, position=9)
    response = editor.post("/admin/commentary/collectionentry/add/", data)
    assert response.status_code == 200
    assert not section.entries.exists()


def test_editor_cannot_publish_a_collection(editor, make_collection):
    collection = make_collection(status="review")
    run_action(editor, Collection, "make_published", [collection])
    response = save(editor, collection, open_form(editor, collection), status="published")
    assert response.status_code == 200
    collection.refresh_from_db()
    assert collection.status == "review"


def test_publisher_withdraws_and_reinstates(publisher, make_quote):
    quote = make_quote(status="published")
    run_action(publisher, Quote, "make_withdrawn", [quote])
    quote.refresh_from_db()
    assert quote.status == "withdrawn"
    run_action(publisher, Quote, "make_published", [quote])
    quote.refresh_from_db()
    assert quote.status == "published"
    # Published statements go back to draft only by being withdrawn, never directly.
    response = save(publisher, quote, open_form(publisher, quote), status="draft")
    assert response.status_code == 200
    quote.refresh_from_db()
    assert quote.status == "published"


# History --------------------------------------------------------------------------------


def test_history_compare_and_revert_restore_words_and_speakers(editor, other_editor, make_quote):
    quote = make_quote("The original words.", status="draft")
    first = save(editor, quote, open_form(editor, quote), text="The first editor's words.")
    assert first.status_code == 302
    second = save(other_editor, quote, open_form(other_editor, quote), text="Second words.")
    assert second.status_code == 302
    versions = list(Version.objects.get_for_object(quote).order_by("pk"))
    assert [v.revision.user for v in versions[-2:]] == [editor.user, other_editor.user]
    history = editor.get(f"/admin/commentary/quote/{quote.pk}/history/").content.decode()
    assert "editor" in history and "other-editor" in history
    compare = editor.get(
        f"/admin/commentary/quote/{quote.pk}/history/compare/",
        {"version_id1": versions[-2].pk, "version_id2": versions[-1].pk},
    )
    assert compare.status_code == 200
    text = compare.content.decode()
    assert "<del>The first editor&#x27;s</del><ins>Second</ins> words." in text
    # Revert to the first editor's version: open it, save it.
    revert_url = f"/admin/commentary/quote/{quote.pk}/history/{versions[-2].pk}/"
    preview = editor.get(revert_url)
    assert preview.status_code == 200
    Quote.objects.get(pk=quote.pk)  # the preview changed nothing
    assert Quote.objects.get(pk=quote.pk).text == "Second words."
    data = form_data(preview.content.decode(), "quote_form")
    assert editor.post(revert_url, data).status_code == 302
    quote.refresh_from_db()
    assert quote.text == "The first editor's words."
    assert quote.speakers.count() == 1


def test_revert_restores_removed_speakers_but_never_a_status(publisher, make_quote, make_expert):
    quote = make_quote("Joint words.", speakers=[make_expert(), make_expert()], status="draft")
    call_command("createinitialrevisions", "commentary.Quote", verbosity=0)
    original = Version.objects.get_for_object(quote).latest("pk")
    quote.speakers.order_by("position").last().delete()
    quote.refresh_from_db()
    quote.status = "review"
    quote.save()
    url = f"/admin/commentary/quote/{quote.pk}/history/{original.pk}/"
    data = form_data(publisher.get(url).content.decode(), "quote_form")
    assert publisher.post(url, data).status_code == 302
    quote.refresh_from_db()
    assert quote.speakers.count() == 2
    assert quote.status == "review"


def test_changes_by_commands_and_imports_are_recorded(tmp_path, make_quote):
    quote = make_quote("Imported words.")
    fixture = tmp_path / "edit.json"
    call_command("dumpdata", "commentary.quote", output=str(fixture))
    call_command("loaddata", str(fixture), verbosity=0)
    version = Version.objects.get_for_object(quote).latest("pk")
    assert version.revision.comment.startswith("manage.py loaddata")
    assert version.revision.user is None


# No lost edits --------------------------------------------------------------------------


def test_second_save_of_the_same_statement_is_refused_and_keeps_the_input(
    editor, other_editor, make_quote
):
    quote = make_quote("Before either edit.", status="draft")
    first_form, second_form = open_form(editor, quote), open_form(other_editor, quote)
    assert save(editor, quote, first_form, text="First editor's text.").status_code == 302
    response = save(other_editor, quote, second_form, text="Second editor's text.")
    assert response.status_code == 200
    html = response.content.decode()
    assert "someone else saved" in html and "editor" in html
    assert "Second editor&#x27;s text." in html or "Second editor's text." in html
    quote.refresh_from_db()
    assert quote.text == "First editor's text."


def test_stale_inline_row_is_refused(editor, other_editor, make_quote):
    quote = make_quote(status="draft")
    first_form, second_form = open_form(editor, quote), open_form(other_editor, quote)
    speaker = quote.speakers.get()
    assert save(editor, quote, first_form).status_code == 302  # same words, rows resaved
    speaker.refresh_from_db()
    speaker.position = 7
    speaker.save()  # someone changes the speaker row meanwhile
    response = save(other_editor, quote, second_form, **{"speakers-0-position": "3"})
    assert response.status_code == 200
    speaker.refresh_from_db()
    assert speaker.position == 7


def test_changelist_edit_of_a_changed_row_is_refused(publisher, make_source):
    source = make_source(title="Checked link")
    stale = source.version
    source.notes = "someone else's note"
    source.save()
    response = publisher.post(
        changelist(Source),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(source.pk),
            "form-0-link_status": "broken",
            f"form-_concurrency_version_{source.pk}": str(stale),
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.link_status == "unchecked"


def test_action_on_a_changed_row_is_refused(publisher, make_quote):
    quote = make_quote(status="review")
    stale = f"{quote.pk},{quote.version}"
    quote.refresh_from_db()
    quote.text = "Changed meanwhile."
    quote.save()
    publisher.post(
        changelist(Quote), {"action": "make_published", "_selected_action": [stale], "index": 0}
    )
    quote.refresh_from_db()
    assert quote.status == "review"


@pytest.mark.parametrize("token", ["not-a-version", "12:forged", ""])
def test_tampered_version_is_not_a_server_error(editor, make_quote, token):
    quote = make_quote(status="draft")
    response = save(editor, quote, open_form(editor, quote), version=token, text="Tampered.")
    assert response.status_code in {200, 400}
    quote.refresh_from_db()
    assert quote.text != "Tampered."


def test_malformed_action_selection_is_not_a_server_error(publisher, make_quote):
    quote = make_quote(status="review")
    for value in ["garbage", f"{quote.pk}", f"{quote.pk},x", ",,"]:
        response = publisher.post(
            changelist(Quote),
            {"action": "make_published", "_selected_action": [value], "index": 0},
        )
        assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.status == "review"


# Duplicates -----------------------------------------------------------------------------


def add_statement(client, expert, text, source=None, said_on="2026-02-04", confirm=False):
    html = client.get("/admin/commentary/quote/add/").content.decode()
    data = form_data(html, "quote_form", text=text, kind="direct", language="zh-Hans")
    data.update(
        {
            "said_on": said_on,
            "date_precision": "day",
            "status": "draft",
            "speakers-0-expert": str(expert.pk),
            "speakers-0-position": "1",
        }
    )
    if source is not None:
        data.update({"citations-0-source": str(source.pk), "citations-0-role": "first"})
    if confirm:
        data["confirm_not_duplicate"] = "on"
    return client.post("/admin/commentary/quote/add/", data)


def test_similar_chinese_statement_by_the_same_speaker_is_flagged(editor, make_quote, make_expert):
    expert = make_expert()
    existing = make_quote(
        "“新START条约到期后，美俄两国将失去最后一道核军控约束。”", speakers=[expert]
    )
    retyped = "新 START 条约到期后,美俄两国将失去最后一道核军控约束"  # ASCII punctuation, spaces
    response = add_statement(editor, expert, retyped)
    assert response.status_code == 200
    html = response.content.decode()
    assert "may already be in the archive" in html
    assert f"/admin/commentary/quote/{existing.pk}/change/" in html
    assert Quote.objects.count() == 1
    confirmed = add_statement(editor, expert, retyped, confirm=True)
    assert confirmed.status_code == 302
    assert Quote.objects.count() == 2


def test_same_source_and_date_is_flagged_and_other_speakers_are_not(
    editor, make_quote, make_expert, make_source
):
    expert, stranger = make_expert(), make_expert()
    source = make_source()
    make_quote("Entirely different words.", speakers=[expert], sources=[source])
    flagged = add_statement(editor, expert, "新的完全不同的话。", source=source)
    assert "may already be in the archive" in flagged.content.decode()
    unflagged = add_statement(editor, stranger, "Entirely different words.", source=source)
    assert unflagged.status_code == 302


# Merges and old slugs -------------------------------------------------------------------


def test_merging_experts_leaves_no_orphans_and_redirects(publisher, client, make_quote):
    keep = Expert.objects.create(name="Pavel Podvig", slug="pavel-podvig")
    dup = Expert.objects.create(name="P. Podvig", name_zh="帕维尔·波德维格", slug="p-podvig")
    ExpertName.objects.create(expert=dup, name="Павел Подвиг", language="ru")
    own = make_quote("Kept expert's words.", speakers=[keep])
    theirs = make_quote("Duplicate's words.", speakers=[dup])
    joint = make_quote("Both, as one person.", speakers=[keep, dup])
    old_url = dup.get_absolute_url()
    preview = run_action(publisher, Expert, "merge_selected", [keep, dup])
    assert preview.status_code == 200 and "Merge" in preview.content.decode()
    response = run_action(
        publisher, Expert, "merge_selected", [keep, dup], survivor=keep.pk, confirm_merge="yes"
    )
    assert response.status_code == 302
    assert not Expert.objects.filter(pk=dup.pk).exists()
    assert not QuoteSpeaker.objects.exclude(expert__in=Expert.objects.all()).exists()
    for quote in (own, theirs, joint):
        assert list(quote.speakers.values_list("expert", flat=True)) == [keep.pk]
    assert Affiliation.objects.filter(expert=keep).count() == 4
    names = set(keep.other_names.values_list("name", flat=True))
    assert {"P. Podvig", "Павел Подвиг"} <= names
    keep.refresh_from_db()
    assert keep.name_zh == "帕维尔·波德维格"
    redirect = client.get(old_url + "?page=1")
    assert redirect.status_code == 301
    assert redirect["Location"] == keep.get_absolute_url() + "?page=1"
    assert client.get(redirect["Location"]).status_code == 200


def test_editors_cannot_merge(editor):
    a = Expert.objects.create(name="A", slug="a")
    b = Expert.objects.create(name="B", slug="b")
    run_action(editor, Expert, "merge_selected", [a, b], survivor=a.pk, confirm_merge="yes")
    assert Expert.objects.count() == 2


def test_merging_outlets_moves_sources(publisher, client, make_quote, make_source):
    keep = Outlet.objects.create(name="TASS", slug="tass")
    dup = Outlet.objects.create(name="ТАСС", slug="tass-ru", homepage="https://tass.ru")
    source = make_source(outlet=dup)
    make_quote(sources=[source])
    run_action(
        publisher, Outlet, "merge_selected", [keep, dup], survivor=keep.pk, confirm_merge="yes"
    )
    source.refresh_from_db()
    assert source.outlet == keep
    keep.refresh_from_db()
    assert keep.homepage == "https://tass.ru"
    response = client.get("/outlets/tass-ru/")
    assert response.status_code == 301 and response["Location"] == "/outlets/tass/"


@pytest.mark.parametrize("model", [Expert, Organization, Outlet, Topic, Collection])
def test_renamed_records_keep_their_old_urls(client, make_quote, make_collection, model):
    quote = make_quote()
    speaker = quote.speakers.get()
    obj = {
        Expert: lambda: speaker.expert,
        Organization: lambda: speaker.affiliation.organization,
        Outlet: lambda: quote.citations.get().source.outlet,
        Topic: lambda: quote.topics.create(name="Deterrence", slug="deterrence"),
        Collection: lambda: make_collection(quotes=[quote]),
    }[model]()
    old_url = obj.get_absolute_url()
    obj.slug = "a-brand-new-slug"
    obj.save()
    obj.slug = "and-another-one"
    obj.save()
    for url in (
        old_url,
        old_url.replace(old_url.rstrip("/").rsplit("/", 1)[1], "a-brand-new-slug"),
    ):
        response = client.get(url)
        assert response.status_code == 301, url
        assert response["Location"] == obj.get_absolute_url()
    assert client.get(obj.get_absolute_url()).status_code == 200
    zh = client.get("/zh-hans" + old_url)
    assert zh.status_code == 301 and zh["Location"].startswith("/zh-hans/")
    assert FormerSlug.objects.filter(object_id=obj.pk).count() == 2


def test_a_former_slug_of_an_unpublished_record_is_still_404(client, make_collection):
    draft = make_collection(status="draft")
    old = draft.get_absolute_url()
    draft.slug = "renamed-draft"
    draft.save()
    assert client.get(old).status_code == 404


# Withdrawn permalinks -------------------------------------------------------------------


def test_withdrawn_permalink_answers_410_with_date_and_no_text(client, publisher, make_quote):
    quote = make_quote("WITHDRAWN-WORDS", status="review")
    run_action(publisher, Quote, "make_published", [quote])
    quote.refresh_from_db()
    run_action(publisher, Quote, "make_withdrawn", [quote])
    response = client.get(quote.get_absolute_url())
    assert response.status_code == 410
    html = response.content.decode()
    assert "WITHDRAWN-WORDS" not in html
    assert "withdrawn" in html and str(datetime.date.today().year) in html
    assert StatusChange.objects.filter(to_status="withdrawn", user=publisher.user).exists()


# Accounts -------------------------------------------------------------------------------


def test_admin_login_locks_out_after_repeated_failures(settings):
    user = User.objects.create_user("target", password=PASSWORD, is_staff=True)
    browser = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        browser.post("/admin/login/", {"username": "target", "password": "wrong guess"})
    response = browser.post("/admin/login/", {"username": "target", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in browser.session
    # Another user from the same computer is not locked out.
    User.objects.create_user("colleague", password=PASSWORD, is_staff=True)
    other = browser.post("/admin/login/", {"username": "colleague", "password": PASSWORD})
    assert other.status_code == 302
    assert user.pk


def test_password_validators_refuse_weak_passwords():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["password123", "12345678901234", "short"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password(PASSWORD)


def test_sessions_end_with_the_browser_and_within_a_working_day(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_COOKIE_HTTPONLY


def test_generated_rows_are_lockable_and_the_run_is_in_history(publisher):
    call_command("generate_archive", quotes=30, experts=5, seed=3, stdout=io.StringIO())
    from reversion.models import Revision

    assert Revision.objects.filter(comment__startswith="manage.py generate_archive").exists()
    assert set(Quote.objects.values_list("version", flat=True)) == {1}
    quote = Quote.objects.filter(status="draft").first() or Quote.objects.first()
    quote.status = "draft"
    quote.save()
    response = save(publisher, quote, open_form(publisher, quote), context="Checked.")
    assert response.status_code == 302
