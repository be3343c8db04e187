"""Entering statements: the form in the editors' order, next free positions, a new role typed
in the speaker row, "Add a translation of this statement", and the duplicate boxes shown only
when there is a likely duplicate (statements, experts, outlets)."""

import re

import pytest

from commentary.models import Affiliation, Country, Expert, Organization, Outlet, Quote

from .forms import form_data
from .test_editorial import account

pytestmark = pytest.mark.django_db
ADD = "/admin/commentary/quote/add/"


@pytest.fixture
def editor():
    return account("editor", "Editors")


def _value(html, name):
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert match, name
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def test_speakers_and_sources_come_right_after_the_words(editor):
    html = editor.get(ADD).content.decode()
    text, speakers = html.index('name="text"'), html.index('id="speakers-group"')
    sources, status = html.index('id="citations-group"'), html.index('name="status"')
    date = html.index('name="said_on"')
    assert text < speakers < sources < date < status


def test_new_rows_offer_the_next_free_position(editor, make_quote, make_expert):
    quote = make_quote(speakers=[make_expert(), make_expert()], status="draft")
    html = editor.get(f"/admin/commentary/quote/{quote.pk}/change/").content.decode()
    assert _value(html, "speakers-2-position") == "3"
    assert _value(html, "citations-1-position") == "2"
    assert _value(html, "speakers-__prefix__-position") == ""  # rows added in the page


def test_a_row_added_with_a_blank_position_is_numbered_after_the_others(
    editor, make_quote, make_expert
):
    quote = make_quote(status="draft")
    newcomer = make_expert()
    html = editor.get(f"/admin/commentary/quote/{quote.pk}/change/").content.decode()
    data = form_data(html, "quote_form")
    data.update({"speakers-1-expert": str(newcomer.pk), "speakers-1-position": ""})
    assert editor.post(f"/admin/commentary/quote/{quote.pk}/change/", data).status_code == 302
    assert list(quote.speakers.values_list("position", flat=True)) == [1, 2]


def test_a_new_role_typed_in_the_speaker_row_becomes_the_role_at_the_time(editor, make_expert):
    expert = make_expert()
    ministry = Organization.objects.create(name="Ministry of Foreign Affairs", slug="mfa")
    data = form_data(editor.get(ADD).content.decode(), "quote_form")
    data.update(
        {
            "text": "Words.",
            "kind": "direct",
            "language": "en",
            "speakers-0-expert": str(expert.pk),
            "speakers-0-new_role": "Deputy foreign minister",
            "speakers-0-new_role_zh": "副外长",
            "speakers-0-new_role_organization": str(ministry.pk),
        }
    )
    assert editor.post(ADD, data).status_code == 302
    speaker = Quote.objects.get().speakers.get()
    role = speaker.affiliation
    assert (role.expert, role.organization, role.role, role.role_zh) == (
        expert,
        ministry,
        "Deputy foreign minister",
        "副外长",
    )


def test_a_chosen_role_and_a_typed_one_together_are_refused(editor, make_quote):
    quote = make_quote(status="draft")
    url = f"/admin/commentary/quote/{quote.pk}/change/"
    data = form_data(editor.get(url).content.decode(), "quote_form")
    data["speakers-0-new_role"] = "Something else"
    response = editor.post(url, data)
    assert response.status_code == 200
    assert "not both" in response.content.decode()
    assert Affiliation.objects.filter(role="Something else").count() == 0


def test_add_a_translation_prefills_speakers_sources_date_and_original(editor, make_quote):
    original = make_quote("The original words.", status="draft")
    change = editor.get(f"/admin/commentary/quote/{original.pk}/change/").content.decode()
    assert f"{ADD}?translation_of={original.pk}" in change
    url = f"{ADD}?translation_of={original.pk}"
    html = editor.get(url).content.decode()
    data = form_data(html, "quote_form")
    speaker, citation = original.speakers.get(), original.citations.get()
    assert data["original"] == str(original.pk)
    assert data["language"] == "zh-Hans"
    assert data["said_on"] == original.said_on.isoformat()
    assert data["speakers-0-expert"] == str(speaker.expert_id)
    assert data["speakers-0-affiliation"] == str(speaker.affiliation_id)
    assert data["citations-0-source"] == str(citation.source_id)
    data["text"] = "原话。"  # the only thing the editor types
    assert editor.post(url, data).status_code == 302
    translation = Quote.objects.get(original=original)
    assert translation.text == "原话。"
    assert [(s.expert_id, s.affiliation_id) for s in translation.speakers.all()] == [
        (speaker.expert_id, speaker.affiliation_id)
    ]
    assert [c.source_id for c in translation.citations.all()] == [citation.source_id]


def test_add_a_translation_of_an_unknown_statement_is_a_plain_add_form(editor):
    for value in ("999999", "x", "1 OR 1=1"):
        response = editor.get(ADD, {"translation_of": value})
        assert response.status_code == 200


def test_the_not_a_duplicate_box_shows_only_with_a_likely_duplicate(
    editor, make_quote, make_expert
):
    html = editor.get(ADD).content.decode()
    assert 'type="hidden" name="confirm_not_duplicate"' in html
    expert = make_expert()
    make_quote("Exactly these words.", speakers=[expert])
    data = form_data(html, "quote_form")
    data.update(
        {
            "text": "Exactly these words.",
            "kind": "direct",
            "language": "en",
            "speakers-0-expert": str(expert.pk),
        }
    )
    response = editor.post(ADD, data).content.decode()
    assert "may already be in the archive" in response
    assert 'type="checkbox" name="confirm_not_duplicate"' in response


def _add(client, model, **fields):
    url = f"/admin/commentary/{model}/add/"
    data = form_data(client.get(url).content.decode(), f"{model}_form", **fields)
    return client.post(url, data)


def test_an_expert_with_the_same_name_in_any_script_and_country_is_flagged(editor):
    russia = Country.objects.create(code="RU", name="Russia", region="Europe")
    Country.objects.create(code="US", name="United States", region="Americas")
    Expert.objects.create(
        name="Sergey Ryabkov", name_zh="谢尔盖·里亚布科夫", slug="ryabkov", country=russia
    )
    response = _add(
        editor,
        "expert",
        name="Someone",
        name_zh="谢尔盖·里亚布科夫",
        slug="someone",
        kind="person",
        country="RU",
    )
    assert response.status_code == 200
    assert "This expert may already be in the archive" in response.content.decode()
    assert Expert.objects.count() == 1
    confirmed = _add(
        editor,
        "expert",
        name="Someone",
        name_zh="谢尔盖·里亚布科夫",
        slug="someone",
        kind="person",
        country="RU",
        confirm_not_duplicate="on",
    )
    assert confirmed.status_code == 302
    other_country = _add(
        editor, "expert", name="Sergey Ryabkov", slug="ryabkov-2", kind="person", country="US"
    )
    assert "may already be in the archive" not in other_country.content.decode()


def test_an_outlet_with_the_same_name_is_flagged(editor):
    Outlet.objects.create(name="TASS", name_zh="塔斯社", slug="tass", kind="news_agency")
    response = _add(editor, "outlet", name="tass", slug="tass-2", kind="news_agency")
    assert "This outlet may already be in the archive" in response.content.decode()
    assert Outlet.objects.count() == 1
