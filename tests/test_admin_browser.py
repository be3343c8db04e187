"""An editor adds a joint statement entirely inside the admin, in a real browser."""

import pytest
from django.contrib.auth.models import Group, User

from commentary.models import Quote

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def editor():
    user = User.objects.create_user("new-editor", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def add_in_popup(page, link_selector, fill):
    with page.expect_popup() as popup_info:
        page.click(link_selector)
    popup = popup_info.value
    popup.wait_for_load_state()
    fill(popup)
    with popup.expect_event("close"):
        popup.click("input[name=_save]")


def open_autocomplete(page, select_id):
    # An empty select2 shows a zero-width label; click the box that labels it.
    page.click(f"[aria-labelledby=select2-{select_id}-container]")
    page.wait_for_selector(".select2-results__option:not(.loading-results)")


def choose_autocomplete(page, select_id, text):
    open_autocomplete(page, select_id)
    page.click(f".select2-results__option:has-text('{text}')")


def new_expert(name, role):
    def fill(popup):
        popup.fill("#id_name", name)
        popup.fill("#id_affiliations-0-role", role)

    return fill


def test_editor_adds_joint_statement_without_leaving_the_quote_form(
    browser_page, live_server, editor
):
    page = browser_page
    page.goto(f"{live_server.url}/admin/login/?next=/admin/commentary/quote/add/")
    page.fill("#id_username", "new-editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/commentary/quote/add/")

    page.fill("#id_text", "We urge both governments to keep observing the central limits.")
    page.select_option("#id_kind", "direct")
    page.select_option("#id_language", "en")
    page.fill("#id_said_on", "2026-02-17")
    page.select_option("#id_date_precision", "month")

    add_in_popup(page, "#add_id_speakers-0-expert", new_expert("Alice Example", "Analyst"))
    page.click("#speakers-group .add-row a")
    add_in_popup(page, "#add_id_speakers-1-expert", new_expert("Bob Example", "Professor"))
    # The role menu offers only the row's own expert's roles.
    open_autocomplete(page, "id_speakers-1-affiliation")
    options = page.locator(".select2-results__option").all_inner_texts()
    assert options == ["Professor"]
    page.keyboard.press("Escape")
    choose_autocomplete(page, "id_speakers-0-affiliation", "Analyst")
    choose_autocomplete(page, "id_speakers-1-affiliation", "Professor")

    def new_source(popup):
        def new_outlet(nested):
            nested.fill("#id_name", "Example Daily")
            nested.select_option("#id_kind", "newspaper")

        add_in_popup(popup, "#add_id_outlet", new_outlet)
        popup.fill("#id_title", "Joint letter on New START")
        popup.select_option("#id_kind", "statement")
        popup.fill("#id_url", "https://example.org/letter")
        popup.fill("#id_published_on", "2026-02-17")

    add_in_popup(page, "#add_id_citations-0-source", new_source)

    def new_topic(popup):
        popup.fill("#id_name", "Arms control")

    add_in_popup(page, "#add_id_topics", new_topic)

    page.click("input[name=_save]")
    page.wait_for_url("**/admin/commentary/quote/")
    assert page.locator(".messagelist .success").count() == 1
    assert page.errors == []

    quote = Quote.objects.get()
    assert [(s.expert.name, s.affiliation.role) for s in quote.speakers.order_by("position")] == [
        ("Alice Example", "Analyst"),
        ("Bob Example", "Professor"),
    ]
    source = quote.citations.get().source
    assert (source.title, source.outlet.name) == ("Joint letter on New START", "Example Daily")
    assert [t.name for t in quote.topics.all()] == ["Arms control"]
    assert (quote.status, quote.date_precision, quote.said_on.isoformat()) == (
        "draft",
        "month",
        "2026-02-01",
    )
