"""The public archive in a real browser: a researcher's path end to end, then axe, the Nu
HTML checker and the console on every page type, at desktop and phone widths."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

from commentary.models import Quote

from .checkers import axe_violations, nu_errors

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROUNDUP = "/collections/is-there-life-after-new-start/"


def page_types():
    """One URL of every public page type, on the seed collection."""
    quote = Quote.objects.published().filter(speakers__expert__slug="pavel-podvig").first()
    source = quote.citations.first().source
    organization = quote.speakers.first().affiliation.organization
    topic = quote.topics.first()
    return {
        "home": "/",
        "list": "/quotes/",
        "list-filtered": "/quotes/?country=RU&kind=direct&date_from=2026-02&date_to=2026-02",
        "list-search": "/quotes/?q=New+START&sort=relevance",
        "list-invalid": "/quotes/?date_from=2026-13&expert=nobody",
        "statement": quote.get_absolute_url(),
        "experts": "/experts/",
        "expert": "/experts/pavel-podvig/",
        "countries": "/countries/",
        "country": "/countries/RU/",
        "organization": organization.get_absolute_url(),
        "outlet": source.outlet.get_absolute_url(),
        "source": source.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "collection": ROUNDUP,
        "home-zh": "/zh-hans/",
        "list-zh": "/zh-hans/quotes/?country=RU",
        "statement-zh": "/zh-hans" + quote.get_absolute_url(),
        "expert-zh": "/zh-hans/experts/pavel-podvig/",
        "collection-zh": "/zh-hans" + ROUNDUP,
    }


@pytest.fixture
def seed():
    call_command("load_seed", verbosity=0)


def test_researcher_filters_reads_and_switches_language(browser_page, live_server, seed):
    page = browser_page
    page.goto(live_server.url + "/quotes/")
    # Country, then expert: the facet link, then the expert field by name.
    page.click("#refine .facet >> text=Russia")
    assert "country=RU" in page.url
    page.fill("#filter-expert", "Dmitry Medvedev")
    page.click("text=Apply filters")
    assert "country=RU" in page.url and "expert=Dmitry+Medvedev" in page.url
    cards = page.locator(".results .quote")
    assert cards.count() >= 1
    for index in range(cards.count()):
        assert "Dmitry Medvedev" in cards.nth(index).locator(".speakers").inner_text()
    # Switch to Chinese and back: the filters stay.
    page.click("nav.languages >> text=简体中文")
    assert "/zh-hans/quotes/" in page.url and "country=RU" in page.url
    assert "梅德韦杰夫" in page.locator(".results").inner_text()
    page.click("nav.languages >> text=English")
    assert re.search(r"/quotes/\?.*country=RU", page.url) and "/zh-hans/" not in page.url
    # Open a statement, follow to the expert, to the source.
    page.locator(".results .quote .permalink").first.click()
    assert re.search(r"/quotes/\d+/$", page.url)
    page.locator("main .quote .speakers a").first.click()
    assert page.url.endswith("/experts/dmitry-medvedev/")
    assert page.locator("h1").inner_text() == "Dmitry Medvedev"
    page.go_back()
    page.locator("ol.citations a").first.click()
    assert "/sources/" in page.url
    assert page.errors == []


def test_round_up_reads_in_order_with_six_sections(browser_page, live_server, seed):
    page = browser_page
    page.goto(live_server.url + ROUNDUP)
    sections = page.locator("main section h2").all_inner_texts()
    assert len(sections) == 6 and sections[0] == "US perspectives"
    page.click("nav >> text=Russian perspectives")
    assert page.url.endswith("#russia")


def test_every_page_type_passes_axe_without_console_errors(browser_page, live_server, seed):
    page = browser_page
    failures = {}
    for name, url in page_types().items():
        response = page.goto(live_server.url + url)
        assert response.status == (400 if name == "list-invalid" else 200), name
        problems = axe_violations(page)
        if problems:
            failures[name] = problems
    assert failures == {}
    # The invalid-filter page answers 400 on purpose; Chromium reports the status itself.
    status_note = "Failed to load resource: the server responded with a status of 400"
    invalid = live_server.url + page_types()["list-invalid"]
    assert [e for e in page.errors if not e.startswith(f"{invalid}: {status_note}")] == []


def test_phone_width_has_no_horizontal_scrolling(browser_page, live_server, seed):
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 800})
    for name, url in page_types().items():
        page.goto(live_server.url + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (name, width)
    assert axe_violations(page) == []


def test_every_page_type_is_valid_html(seed, tmp_path):
    client = Client()
    documents = {}
    for name, url in page_types().items():
        response = client.get(url)
        assert response.status_code in (200, 400), name
        documents[name] = response.content
    assert nu_errors(documents, tmp_path) == []


def test_statement_markup_is_shown_as_text(browser_page, live_server, make_quote):
    text = '<img src=x onerror="alert(1)"> 军备竞赛 </mark><script>alert(2)</script>'
    quote = make_quote(text)
    page = browser_page
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(live_server.url + quote.get_absolute_url())
    assert "<script>alert(2)</script>" in page.locator("main .quote-text").inner_text()
    for q in ("onerror", "军备", "script mark", '"alert 2"'):  # highlighted search results
        page.goto(live_server.url + "/quotes/?q=" + q)
        card = page.locator(".results .quote .quote-text")
        assert card.count() == 1, q
        assert card.inner_text() == text, q
        assert card.locator("mark").count() >= 1, q
        assert card.locator("script, img").count() == 0, q
    assert dialogs == [] and page.locator("main img").count() == 0


def test_expert_field_suggests_names_as_you_type(browser_page, live_server, seed):
    page = browser_page
    page.goto(live_server.url + "/quotes/")
    page.fill("#filter-expert", "Podv")
    page.wait_for_selector("#filter-expert-list option", state="attached", timeout=5000)
    values = page.eval_on_selector_all("#filter-expert-list option", "els => els.map(e => e.value)")
    assert "pavel-podvig" in values
