"""Two editors, two browsers, one statement: the second save is refused and nothing is lost;
the history shows the original and the first editor's version; reverting works."""

import os

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from commentary.models import Quote

from .browser import ARGS, CHROMIUM, require_chromium

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "correct horse battery staple 42"


def make_editor(name):
    user = User.objects.create_user(name, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def log_in(page, base, username, next_url):
    page.goto(f"{base}/admin/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{next_url}")


def test_two_editors_edit_the_same_statement(live_server, make_quote):
    require_chromium()
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    make_editor("ana")
    make_editor("bo")
    quote = make_quote("The original wording of the statement.", status="draft")
    # As if entered earlier: its first version is in the history.
    call_command("createinitialrevisions", "commentary.Quote", verbosity=0)
    change = f"/admin/commentary/quote/{quote.pk}/change/"
    with sync_playwright() as playwright:
        # Two browsers, not two tabs: separate sessions, as on two computers.
        first = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        second = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        ana, bo = first.new_page(), second.new_page()
        for page in (ana, bo):
            page.set_default_timeout(15000)
        log_in(ana, live_server.url, "ana", change)
        log_in(bo, live_server.url, "bo", change)

        ana.fill("#id_text", "Ana's corrected wording.")
        bo.fill("#id_text", "Bo's competing wording.")
        ana.click("input[name=_save]")
        ana.wait_for_url("**/admin/commentary/quote/")
        bo.click("input[name=_save]")
        bo.wait_for_load_state()

        # Bo is refused, told who saved, and still has his words in the form.
        error = bo.locator(".errornote, .errorlist.nonfield").first.inner_text()
        body = bo.locator("#content").inner_text()
        assert "someone else saved" in body, body[:500]
        assert "ana" in body
        assert bo.input_value("#id_text") == "Bo's competing wording."
        assert error
        quote.refresh_from_db()
        assert quote.text == "Ana's corrected wording."

        # The history shows the original and Ana's version; Bo compares them.
        bo.goto(f"{live_server.url}/admin/commentary/quote/{quote.pk}/history/")
        history = bo.locator("#change-history").inner_text()
        assert "ana" in history
        rows = bo.locator("#change-history tbody tr")
        assert rows.count() >= 2
        bo.click("#change-history input[type=submit]")  # compare the two latest
        bo.wait_for_load_state()
        diff = bo.locator("#content").inner_text()
        assert "Ana" in diff and "original" in diff

        # Bo reverts to the original version: the form opens pre-filled; saving restores it.
        bo.goto(f"{live_server.url}/admin/commentary/quote/{quote.pk}/history/")
        bo.locator("#change-history tbody tr").last.locator("th a").click()
        bo.wait_for_load_state()
        assert bo.input_value("#id_text") == "The original wording of the statement."
        bo.click("input[name=_save]")
        bo.wait_for_url("**/admin/commentary/quote/")
        quote.refresh_from_db()
        assert quote.text == "The original wording of the statement."
        assert Quote.objects.get(pk=quote.pk).status == "draft"
        first.close()
        second.close()
