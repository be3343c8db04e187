"""Statement cards of list pages, kept under the archive's generation (browse/cards.py):
rendered once, shown again from the cache, never after a change to what they show."""

import pytest

pytestmark = pytest.mark.django_db

CARD = "commentary/_quote_card.html"


def rendered_cards(response):
    return sum(1 for template in response.templates if template.name == CARD)


def test_cards_are_rendered_once_and_read_back_identical(client, make_quote, uncached):
    for n in range(3):
        make_quote(f"Statement number {n}")
    first = client.get("/quotes/")
    second = client.get("/quotes/")
    assert rendered_cards(first) == 3
    assert rendered_cards(second) == 0
    assert second.content == first.content


def test_a_change_to_what_a_card_shows_is_on_the_next_list(
    client, make_quote, make_expert, uncached
):
    speaker = make_expert(name="Maxim Starchak")
    make_quote("Deterrence stays stable", speakers=[speaker])
    assert "Maxim Starchak" in client.get("/quotes/").text
    speaker.name = "Maksim Starchak"
    speaker.save()
    page = client.get("/quotes/").text
    assert "Maksim Starchak" in page and "Maxim Starchak" not in page


def test_cards_are_kept_per_language(client, make_quote, uncached):
    make_quote("Paraphrased view", kind="paraphrase")
    english = client.get("/quotes/").text
    chinese = client.get("/zh-hans/quotes/").text
    assert "Paraphrase" in english
    assert "转述" in chinese and "Permalink" not in chinese


def test_a_searchs_highlighted_cards_are_not_kept(client, make_quote, uncached):
    make_quote("Strategic stability matters")
    for _round in range(2):
        response = client.get("/quotes/", {"q": "stability"})
        assert "<mark>stability</mark>" in response.text
        assert rendered_cards(response) == 1
    assert "<mark>" not in client.get("/quotes/").text
