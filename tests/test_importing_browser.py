"""An editor imports a round-up in Chromium: pastes it, checks the preview (which round-trips:
updating it unchanged changes nothing), corrects one speaker's match, imports, and submits
the collection and its statements for review; the collection keeps the text's order."""

import os

import pytest
from django.contrib.auth.models import Group, User

from commentary.models import Collection, CollectionEntry, Expert, Quote

from .test_editorial_browser import PASSWORD, log_in
from .test_importing import CHINESE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def form_values(page):
    return page.eval_on_selector_all(
        "#import-preview textarea, #import-preview input:not([type=hidden]), "
        "#import-preview select",
        "els => els.map(e => [e.name, e.type === 'checkbox' ? e.checked : e.value])",
    )


def test_an_editor_imports_a_round_up_and_submits_it_for_review(live_server, browser_page):
    page = browser_page
    editor = User.objects.create_user("importer", password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    zhang = Expert.objects.create(name="Zhang San", slug="zhang-san")
    base = live_server.url

    log_in(page, base, "importer", "/admin/commentary/collection/")
    page.click("text=Import a compilation")
    page.fill("#id_text", CHINESE)
    page.click("input[name=preview]")
    page.wait_for_selector("#import-preview")
    assert page.locator(".import-entry").count() == 5
    if os.environ.get("IMPORT_SCREENSHOT"):
        page.screenshot(path=os.environ["IMPORT_SCREENSHOT"], full_page=True)
    assert "“2026年13月” is not a date." in page.content()

    shown = form_values(page)
    page.click("button[value=update]")
    page.wait_for_selector("#import-preview")
    assert form_values(page) == shown  # the preview round-trips

    speakers = page.locator("#id_e-3-speakers")
    assert speakers.input_value().startswith("张三 |")
    rows = speakers.input_value().splitlines()
    rows[0] = "张三 | | | zhang-san"
    speakers.fill("\n".join(rows))
    page.click("button[value=update]")
    page.wait_for_selector("#import-preview")
    assert page.locator("#entry-4 a", has_text="Zhang San").count() == 1

    page.click("button[value=import]")
    page.wait_for_url("**/admin/commentary/collection/*/change/")
    assert "5 statements created" in page.locator(".messagelist").inner_text()
    collection = Collection.objects.get()
    assert collection.status == "draft"

    page.select_option("#id_status", "review")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/commentary/collection/")
    page.goto(f"{base}/admin/commentary/quote/")
    page.check("#action-toggle")
    page.select_option("select[name=action]", "make_review")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist")

    collection.refresh_from_db()
    assert collection.status == "review"
    assert set(Quote.objects.values_list("status", flat=True)) == {"review"}
    entries = CollectionEntry.objects.filter(section__collection=collection).order_by(
        "section__position", "position"
    )
    assert [e.quote.text[:8] for e in entries] == [
        "“核试验将开启危",
        "她补充说，各国应",
        "她写道：「没有核",
        "他们认为条约已经",
        "“我们已准备好面",
    ]
    joint = entries[3].quote
    assert next(s.expert for s in joint.speakers.order_by("position")) == zhang
    assert page.errors == []
