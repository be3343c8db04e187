"""The admin's "Import a compilation" page, through the test client (the browser test is
in test_importing_browser.py)."""

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from reversion.models import Revision

from commentary.importing import text as parsing
from commentary.models import Collection, CollectionEntry, Expert, Quote

from . import test_admin
from .test_importing import CHINESE, ENGLISH

pytestmark = pytest.mark.django_db
URL = "/admin/commentary/collection/import/"
editor = test_admin.editor  # the logged-in editor fixture


def preview_of(client, text, **extra):
    response = client.post(URL, {"text": text, "language": "", **extra})
    assert response.status_code == 200
    return response


def preview_data(response):
    """The preview form's fields as the browser would post them."""
    data = {**response.context["header"].initial, "step": "preview"}
    entries = response.context["entries"]
    data.update({f"e-{k}": v for k, v in entries.management_form.initial.items()})
    for form in entries.forms:
        for name, value in form.initial.items():
            if name in ("include", "merge"):
                if value:
                    data[form.add_prefix(name)] = "on"
            else:
                data[form.add_prefix(name)] = value
    return data


def test_the_changelist_offers_the_import_to_editors(client, editor):
    response = client.get("/admin/commentary/collection/")
    assert URL in response.content.decode()
    assert client.get(URL).status_code == 200


def test_staff_without_the_editors_permissions_may_not_import(client):
    user = User.objects.create_user("staff", password="a long staff password", is_staff=True)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"text": ENGLISH}).status_code == 403


def test_preview_correct_and_import(client, editor):
    stranger = Expert.objects.create(name="Robert Jones", slug="robert-jones")
    response = preview_of(client, ENGLISH)
    page = response.content.decode()
    assert "Anna Smith" in page and "new expert" in page
    assert Quote.objects.count() == 0  # nothing written by the preview
    data = preview_data(response)
    # Re-assign "Bob Jones" to the existing Robert Jones, untick Petrov's statement, split
    # Smith's first statement in two; then merge Smith's third into her second.
    joint = next(k for k, v in data.items() if k.endswith("-speakers") and "Bob Jones" in v)
    rows = data[joint].splitlines()
    rows[0] = "Bob Jones | Bob Jones | | robert-jones"
    data[joint] = "\n".join(rows)
    data.pop("e-3-include")
    data["e-0-text"] = '"A test would set a dangerous precedent."\n\n"Another."'
    data["action"] = "update"
    response = client.post(URL, data)
    assert response.status_code == 200
    proposed = response.context["proposed"]
    assert len(proposed.entries) == 5
    assert [e.include for e in proposed.entries] == [True, True, True, True, False]
    assert proposed.entries[3].speakers[0].expert == stranger
    data = preview_data(response)
    data["e-2-merge"] = "on"
    data["action"] = "import"
    response = client.post(URL, data)
    assert response.status_code == 302, response.context and response.context["entries"].errors
    collection = Collection.objects.get()
    assert response["Location"] == f"/admin/commentary/collection/{collection.pk}/change/"
    texts = list(
        CollectionEntry.objects.filter(section__collection=collection)
        .order_by("section__position", "position")
        .values_list("quote__text", flat=True)
    )
    assert texts[0] == '"A test would set a dangerous precedent."'
    assert len(texts) == 3 and texts[1].startswith('"Another."\nShe added')  # merged
    assert set(Quote.objects.values_list("status", flat=True)) == {"draft"}
    assert Quote.objects.filter(speakers__expert=stranger).count() == 1
    revision = Revision.objects.get()
    assert revision.user == editor and "Imported the compilation" in revision.comment


def test_an_unknown_slug_or_a_bad_date_is_a_form_error_and_writes_nothing(client, editor):
    data = preview_data(preview_of(client, ENGLISH))
    data["e-0-speakers"] = "Anna Smith | Anna Smith | fellow | no-such-expert"
    data["e-1-said_on"] = "2026-13"
    data["action"] = "import"
    response = client.post(URL, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "No expert has the slug “no-such-expert”" in page
    assert "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD." in page
    assert Quote.objects.count() == 0 and Collection.objects.count() == 0


@pytest.mark.parametrize(
    "upload, message",
    [
        (b"", "Paste a text or choose a file."),
        (b"\x00\x01\x02\x03", "This is a binary file"),
        ("张三:\n“话。”".encode("gb18030"), "The text is not UTF-8"),
        (b"a" * (parsing.MAX_BYTES + 10), "at most 2 MB can be imported"),
        (b"Title\nOnly prose here.\n", "No speaker lines were found"),
    ],
)
def test_bad_uploads_get_a_clear_message(client, editor, upload, message):
    files = {"file": SimpleUploadedFile("roundup.txt", upload, "text/plain")} if upload else {}
    response = client.post(URL, {"text": "", **files})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Quote.objects.count() == 0


def test_five_megabytes_pasted_get_a_clear_message(client, editor):
    response = client.post(URL, {"text": "字" * 1_700_000})
    assert response.status_code == 200
    assert "The text is 5.1 MB; at most 2 MB can be imported at once." in response.content.decode()


def test_a_tampered_preview_is_a_form_error_not_a_500(client, editor):
    data = preview_data(preview_of(client, CHINESE))
    data["e-TOTAL_FORMS"] = "5000"
    data["action"] = "import"
    response = client.post(URL, data)
    assert response.status_code == 200
    data = preview_data(preview_of(client, CHINESE))
    data["particulars"] = "{not json"
    data["e-0-kind"] = "shouted"
    data["e-0-line"] = "-3"
    response = client.post(URL, {**data, "action": "import"})
    assert response.status_code == 200 and Quote.objects.count() == 0
    assert client.post(URL, {"step": "preview"}).status_code == 200


def test_the_seed_round_up_previews_in_the_admin_as_imported_before(client, editor, seeded):
    from pathlib import Path

    seed = Path(__file__).resolve().parent.parent / "fixtures/seeds/000_aa418d320d159343.txt"
    response = client.post(URL, {"file": SimpleUploadedFile("seed.txt", seed.read_bytes())})
    proposed = response.context["proposed"]
    assert len(proposed.entries) == 59
    assert {e.change for e in proposed.entries} == {"same"}
    assert all(s.expert for e in proposed.entries for s in e.speakers)
    data = preview_data(response)
    data["action"] = "import"
    before = Quote.objects.count()
    response = client.post(URL, data, follow=True)
    assert "Nothing new: all 59 statements were imported before" in response.content.decode()
    assert Quote.objects.count() == before


def test_unticking_every_statement_imports_nothing_and_says_so(client, editor):
    data = preview_data(preview_of(client, ENGLISH))
    for key in [k for k in data if k.endswith("-include")]:
        data.pop(key)
    response = client.post(URL, {**data, "action": "import"})
    assert response.status_code == 200
    assert "No statement is ticked for import." in response.content.decode()
    assert Collection.objects.count() == 0


def test_a_text_too_long_to_check_here_is_listed_without_an_import_button(client, editor):
    text = "Long round-up\nAnna Smith, fellow:\n" + "".join(
        f"“Statement number {n}.” (Example Daily, 2026)\n" for n in range(1001)
    )
    response = preview_of(client, text)
    page = response.content.decode()
    assert "more than 1000 statements" in page and "manage.py import_compilation" in page
    assert 'value="import"' not in page and response.context["entries"] is None
    assert page.count("Statement number") == 1001
