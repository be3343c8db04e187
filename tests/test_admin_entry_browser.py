"""How much work entering a statement is: the seed's four-speaker joint statement entered from
scratch in Chromium, and then its translation, counting the fields filled and the clicks.

Counted as an editor works: a field is any input given a value (typed, chosen in a menu or
an autocomplete); a click is any mouse click, opening a menu or autocomplete included.
The numbers are printed (``pytest -s``) and bounded, so the form cannot silently get slower
to use.
"""

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from commentary.models import CollectionEntry, Quote

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "correct horse battery staple 42"


class Counted:
    """The page, with a tally of fields filled and clicks."""

    def __init__(self, page):
        self.page, self.fields, self.clicks = page, 0, 0

    def click(self, selector):
        self.clicks += 1
        self.page.click(selector)

    def fill(self, selector, value):
        self.fields += 1
        self.clicks += 1  # into the box
        self.page.fill(selector, value)

    def choose(self, selector, value):
        self.fields += 1
        self.clicks += 2  # open the menu, pick
        self.page.select_option(selector, value)

    def autocomplete(self, select_id, search, text):
        self.fields += 1
        self.clicks += 2  # open, pick; the search term is typed
        self.page.click(f"[aria-labelledby=select2-{select_id}-container]")
        self.page.fill(".select2-container--open .select2-search__field", search)
        self.page.click(f".select2-results__option:not(.loading-results):has-text('{text}')")

    def autocomplete_many(self, select_id, search, text):
        self.fields += 1
        self.clicks += 2
        self.page.click(f"#{select_id} + .select2 .select2-selection")
        self.page.keyboard.type(search)
        self.page.click(f".select2-results__option:not(.loading-results):has-text('{text}')")


@pytest.fixture
def seed_without_the_joint_statement(db):
    call_command("load_seed", verbosity=0)
    joint = Quote.objects.get(pk=1)
    facts = {
        "text": joint.text,
        "said_on": joint.said_on.isoformat(),
        "translator": joint.translator,
        "speakers": [(s.expert, s.affiliation) for s in joint.speakers.order_by("position")],
        "citations": [(c.source, c.role) for c in joint.citations.order_by("position")],
        "topics": list(joint.topics.order_by("name")),
    }
    CollectionEntry.objects.filter(quote=joint).delete()
    joint.delete()
    user = User.objects.create_user("entering-editor", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return facts


def test_entering_the_four_speaker_joint_statement_and_its_translation(
    browser_page, live_server, seed_without_the_joint_statement
):
    facts = seed_without_the_joint_statement
    page = browser_page
    page.goto(f"{live_server.url}/admin/login/?next=/admin/commentary/quote/add/")
    page.fill("#id_username", "entering-editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/commentary/quote/add/")
    page.wait_for_load_state("networkidle")

    editor = Counted(page)
    editor.fill("#id_text", facts["text"])
    editor.choose("#id_kind", "direct")
    editor.choose("#id_language", "zh-Hans")
    for row, (expert, role) in enumerate(facts["speakers"]):
        if row:
            editor.click("#speakers-group .add-row a")
        editor.autocomplete(f"id_speakers-{row}-expert", expert.name, expert.name)
        editor.autocomplete(f"id_speakers-{row}-affiliation", role.role, role.role)
    for row, (source, citation_role) in enumerate(facts["citations"]):
        if row:
            editor.click("#citations-group .add-row a")
        search = (source.title or source.outlet.name)[:12]
        editor.autocomplete(f"id_citations-{row}-source", search, str(source))
        if citation_role != "first":
            editor.choose(f"#id_citations-{row}-role", citation_role)
    editor.fill("#id_said_on", facts["said_on"])
    editor.fill("#id_translator", facts["translator"])
    for topic in facts["topics"]:
        editor.autocomplete_many("id_topics", topic.name, topic.name)
    editor.click("input[name=_continue]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".errornote").count() == 0, page.locator("#content").inner_text()
    statement = (editor.fields, editor.clicks)

    quote = Quote.objects.get(text=facts["text"])
    assert [(s.expert, s.affiliation) for s in quote.speakers.order_by("position")] == facts[
        "speakers"
    ]
    assert [(c.source, c.role) for c in quote.citations.order_by("position")] == facts["citations"]
    assert list(quote.topics.order_by("name")) == facts["topics"]
    assert list(quote.speakers.order_by("position").values_list("position", flat=True)) == [
        1,
        2,
        3,
        4,
    ]

    # Its English translation: the editor types only the translated words.
    translation_counter = Counted(page)
    translation_counter.click("text=Add a translation of this statement")
    page.wait_for_load_state("networkidle")
    translation_counter.fill("#id_text", "“Time is running out; we urge the administration…”")
    translation_counter.click("input[name=_save]")
    page.wait_for_url("**/admin/commentary/quote/")
    translation = Quote.objects.get(original=quote)
    assert translation.language == "en"
    assert [(s.expert, s.affiliation) for s in translation.speakers.order_by("position")] == facts[
        "speakers"
    ]
    assert translation.citations.count() == len(facts["citations"])
    assert translation.said_on == quote.said_on
    assert page.errors == []

    translated = (translation_counter.fields, translation_counter.clicks)
    print(f"\nfour-speaker statement: {statement[0]} fields, {statement[1]} clicks")
    print(f"its translation: {translated[0]} fields, {translated[1]} clicks")
    # Four speakers with roles, three sources, two topics: one field per fact, no pop-ups.
    assert statement[0] <= 20
    assert translated == (1, 3)
