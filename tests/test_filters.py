"""The statement list's filters: each parameter selects the right rows; bad values explain."""

import datetime

import pytest

from commentary.models import Affiliation, Country, ExpertName, Organization, Topic

pytestmark = pytest.mark.django_db


def shown(client, params=None, url="/quotes/"):
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content.decode()[:2000]
    return {quote.pk for quote in response.context["page"].object_list}


def errors(client, params, url="/quotes/"):
    response = client.get(url, params)
    assert response.status_code == 400
    assert response.context["page"] is None  # no rows when a filter is wrong
    return response.content.decode()


@pytest.fixture
def countries(db):
    return {
        "RU": Country.objects.create(code="RU", name="Russia", name_zh="俄罗斯", region="Europe"),
        "US": Country.objects.create(code="US", name="United States", region="Americas"),
        "IN": Country.objects.create(code="IN", name="India", region="Asia"),
    }


def test_unfiltered_list_shows_only_published(client, make_quote):
    shownq = make_quote()
    make_quote(status="draft")
    make_quote(status="withdrawn")
    assert shown(client) == {shownq.pk}


def test_country_filter_takes_several_codes(client, make_quote, make_expert, countries):
    ru = make_quote(speakers=[make_expert(country=countries["RU"])])
    us = make_quote(speakers=[make_expert(country=countries["US"])])
    make_quote(speakers=[make_expert(country=countries["IN"])])
    assert shown(client, {"country": "RU"}) == {ru.pk}
    assert shown(client, {"country": ["RU", "us"]}) == {ru.pk, us.pk}


def test_joint_statement_counts_once_per_country(client, make_quote, make_expert, countries):
    joint = make_quote(
        speakers=[make_expert(country=countries["US"]), make_expert(country=countries["US"])]
    )
    response = client.get("/quotes/", {"country": "US"})
    assert list(response.context["page"].object_list) == [joint]
    assert response.context["page"].paginator.count == 1


def test_region_filter(client, make_quote, make_expert, countries):
    asia = make_quote(speakers=[make_expert(country=countries["IN"])])
    make_quote(speakers=[make_expert(country=countries["RU"])])
    assert shown(client, {"region": "Asia"}) == {asia.pk}


def test_expert_filter_by_slug_or_any_name(client, make_quote, make_expert):
    podvig = make_expert("Pavel Podvig", name_zh="帕维尔·波德维格")
    ExpertName.objects.create(expert=podvig, name="Павел Подвиг", language="ru")
    theirs = make_quote(speakers=[podvig])
    make_quote()
    for value in (podvig.slug, "pavel podvig", "帕维尔·波德维格", "Павел Подвиг"):
        assert shown(client, {"expert": value}) == {theirs.pk}, value


def test_unknown_expert_is_a_form_error_with_suggestions(client, make_quote, make_expert):
    pavel, maria = make_expert("Pavel Podvig"), make_expert("Maria Podvig")
    make_quote(speakers=[pavel])
    make_quote(speakers=[maria])
    html = errors(client, {"expert": "Podvig"})
    assert "No expert in the archive is called “Podvig”" in html
    assert f"expert={pavel.slug}" in html and f"expert={maria.slug}" in html
    assert "No expert in the archive is called “Nobody”" in errors(client, {"expert": "Nobody"})


def test_part_of_a_name_only_one_expert_has_is_enough(client, make_quote, make_expert):
    quote = make_quote(speakers=[make_expert("Pavel Podvig")])
    make_quote()
    assert shown(client, {"expert": "podvig"}) == {quote.pk}


def test_expert_with_only_drafts_is_not_offered(client, make_quote, make_expert):
    hidden = make_expert("Secret Person")
    make_quote(speakers=[hidden], status="draft")
    make_quote(speakers=[make_expert("Secretary One")])
    make_quote(speakers=[make_expert("Secretary Two")])
    html = errors(client, {"expert": "Secret"})
    assert "Secretary One" in html and "Secret Person" not in html


def test_ambiguous_name_asks_to_choose(client, make_quote, make_expert):
    one, two = make_expert("John Smith"), make_expert("John Smith")
    make_quote(speakers=[one])
    make_quote(speakers=[two])
    html = errors(client, {"expert": "John Smith"})
    assert "Several experts are called" in html
    assert f"expert={one.slug}" in html and f"expert={two.slug}" in html


def test_organization_filter_includes_units(client, make_quote, make_expert):
    school = Organization.objects.create(name="Queen's University", slug="queens")
    centre = Organization.objects.create(
        name="Centre for International and Defence Policy", slug="cidp", parent=school
    )
    expert = make_expert()
    quote = make_quote(speakers=[expert])
    speaker = quote.speakers.get()
    speaker.affiliation = Affiliation.objects.create(expert=expert, organization=centre)
    speaker.save()
    make_quote()
    assert shown(client, {"organization": "cidp"}) == {quote.pk}
    assert shown(client, {"organization": "queens"}) == {quote.pk}
    assert shown(client, {"organization": "Queen's University"}) == {quote.pk}


def test_outlet_and_source_kind(client, make_quote, make_source):
    interview = make_source(kind="interview")
    article = make_source(kind="article")
    a = make_quote(sources=[interview])
    b = make_quote(sources=[article])
    assert shown(client, {"outlet": interview.outlet.slug}) == {a.pk}
    assert shown(client, {"source_kind": "article"}) == {b.pk}


def test_topic_language_kind(client, make_quote):
    topic = Topic.objects.create(name="Arms race", slug="arms-race")
    tagged = make_quote(language="zh-Hans", kind="paraphrase")
    tagged.topics.add(topic)
    other = make_quote(language="en", kind="direct")
    assert shown(client, {"topic": "arms-race"}) == {tagged.pk}
    assert shown(client, {"language": "zh-Hans"}) == {tagged.pk}
    assert shown(client, {"kind": "direct"}) == {other.pk}


@pytest.mark.parametrize(
    ("date_from", "date_to", "expected"),
    [
        ("2026", "2026", {"feb4", "feb28", "mar1"}),
        ("2026-02", "2026-02", {"feb4", "feb28"}),
        ("2026-02-05", "", {"feb28", "mar1"}),
        ("", "2026-02-04", {"dec", "feb4"}),
        ("2025", "", {"dec", "feb4", "feb28", "mar1"}),
        ("2026-03", "2026", {"mar1"}),
    ],
)
def test_date_range_at_any_precision(client, make_quote, date_from, date_to, expected):
    quotes = {
        "dec": make_quote(said_on=datetime.date(2025, 12, 31)),
        "feb4": make_quote(said_on=datetime.date(2026, 2, 4)),
        "feb28": make_quote(said_on=datetime.date(2026, 2, 28)),
        "mar1": make_quote(said_on=datetime.date(2026, 3, 1)),
    }
    make_quote(said_on=None)
    params = {k: v for k, v in {"date_from": date_from, "date_to": date_to}.items() if v}
    assert shown(client, params) == {quotes[name].pk for name in expected}


@pytest.mark.parametrize("value", ["2026-13", "26", "2026-02-30", "0000", "yesterday", "2026/02"])
def test_bad_dates_are_form_errors(client, value):
    assert "Enter a year (2026), a month (2026-02) or a day" in errors(client, {"date_from": value})


def test_date_range_backwards_is_an_error(client):
    html = errors(client, {"date_from": "2026", "date_to": "2025"})
    assert "The end date is before the start date." in html


def test_collection_filter_only_published_collections(client, make_quote, make_collection):
    inside = make_quote()
    make_quote()
    published = make_collection(quotes=[inside])
    draft = make_collection(quotes=[inside], status="draft")
    assert shown(client, {"collection": published.slug}) == {inside.pk}
    errors(client, {"collection": draft.slug})


def test_search_matches_text_and_speaker_names(client, make_quote, make_expert):
    podvig = make_expert("Pavel Podvig", name_zh="帕维尔·波德维格")
    by_name = make_quote("Transparency matters.", speakers=[podvig])
    by_text = make_quote("The arms race is back; Podvig warned of it.")
    make_quote("Nothing relevant.")
    assert shown(client, {"q": "podvig"}) == {by_name.pk, by_text.pk}
    assert shown(client, {"q": "波德维格"}) == {by_name.pk}
    assert shown(client, {"q": "arms podvig"}) == {by_text.pk}


def test_sort_orders(client, make_quote):
    old = make_quote("arms control talks", said_on=datetime.date(2020, 1, 1))
    new = make_quote("control of nuclear arms", said_on=datetime.date(2026, 1, 1))
    undated = make_quote("arms", said_on=None)

    def order(params):
        return [q.pk for q in client.get("/quotes/", params).context["page"].object_list]

    assert order({}) == [new.pk, old.pk, undated.pk]
    assert order({"sort": "oldest"}) == [old.pk, new.pk, undated.pk]
    assert order({"q": "arms control"}) == [old.pk, new.pk]  # relevance: the phrase first
    assert order({"q": "arms control", "sort": "newest"}) == [new.pk, old.pk]


def test_relevance_without_words_falls_back_to_newest(client, make_quote):
    old = make_quote(said_on=datetime.date(2020, 1, 1))
    new = make_quote(said_on=datetime.date(2026, 1, 1))
    page = client.get("/quotes/", {"sort": "relevance"}).context["page"]
    assert list(page.object_list) == [new, old]


def test_page_size_choice(client, make_quote):
    for _ in range(25):
        make_quote()
    assert len(shown(client)) == 20
    assert len(shown(client, {"page_size": "50"})) == 25
    assert "Select a valid choice" in errors(client, {"page_size": "7"})


def test_filters_combine(client, make_quote, make_expert, countries):
    russian = make_expert(country=countries["RU"])
    hit = make_quote(speakers=[russian], kind="direct", said_on=datetime.date(2026, 2, 10))
    make_quote(speakers=[russian], kind="paraphrase", said_on=datetime.date(2026, 2, 10))
    make_quote(speakers=[russian], kind="direct", said_on=datetime.date(2026, 3, 1))
    params = {"country": "RU", "kind": "direct", "date_from": "2026-02", "date_to": "2026-02"}
    assert shown(client, params) == {hit.pk}


def test_scoped_pages_apply_the_same_filters(client, make_quote, make_expert):
    expert = make_expert()
    direct = make_quote(speakers=[expert], kind="direct")
    make_quote(speakers=[expert], kind="paraphrase")
    make_quote(kind="direct")
    assert shown(client, {"kind": "direct"}, url=expert.get_absolute_url()) == {direct.pk}


def test_suggestions_endpoint_offers_public_experts_only(client, make_quote, make_expert):
    public = make_expert("Pavel Podvig", name_zh="帕维尔·波德维格")
    make_quote(speakers=[public])
    make_quote(speakers=[make_expert("Pavel Hidden")], status="draft")
    data = client.get("/suggest/experts/", {"q": "pavel"}).json()
    assert data == {"results": [{"value": public.slug, "label": "Pavel Podvig"}]}
    assert client.get("/suggest/experts/", {"q": "波德"}).json()["results"][0]["value"] == (
        public.slug
    )
    assert client.get("/suggest/nothing/", {"q": "x"}).status_code == 404


def test_dates_at_the_end_of_the_calendar(client, make_quote):
    quote = make_quote()
    assert shown(client, {"date_to": "9999-12"}) == {quote.pk}
    assert shown(client, {"date_from": "2000", "date_to": "9999-12-31"}) == {quote.pk}


def test_a_date_range_holds_only_statements_dated_inside_it(client, make_quote):
    year_only = make_quote(said_on=datetime.date(2026, 1, 1), date_precision="year")
    month_only = make_quote(said_on=datetime.date(2026, 2, 1), date_precision="month")
    assert shown(client, {"date_from": "2026-01", "date_to": "2026-01"}) == set()
    assert shown(client, {"date_from": "2026-02-01", "date_to": "2026-02-15"}) == set()
    assert shown(client, {"date_from": "2026-02", "date_to": "2026-02"}) == {month_only.pk}
    assert shown(client, {"date_from": "2026", "date_to": "2026"}) == {year_only.pk, month_only.pk}


def test_too_many_words_is_a_form_error(client):
    words = " ".join(f"word{n}" for n in range(21))
    assert "Use at most 20 words." in errors(client, {"q": words})


def test_country_codes_are_normalised_everywhere(client, make_quote, make_expert, countries):
    make_quote(speakers=[make_expert(country=countries["RU"])])
    response = client.get("/quotes/", {"country": " ru"})
    russia = next(v for v in response.context["facets"][0].values if v.value == "RU")
    assert russia.selected and russia.url == "?"
    assert response.context["chips"][0].remove_url == "?"


def test_name_fields_and_suggestions_ignore_draft_only_records(client, make_quote, make_source):
    hidden = make_source(title="Hidden source")
    quote = make_quote(sources=[hidden], status="draft")
    organization = quote.speakers.get().affiliation.organization
    assert client.get("/suggest/outlets/", {"q": hidden.outlet.name}).json() == {"results": []}
    assert client.get("/suggest/organizations/", {"q": organization.name}).json() == {"results": []}
    errors(client, {"outlet": hidden.outlet.slug})
    errors(client, {"organization": organization.slug})


def test_blank_words_sort_newest_everywhere_on_the_page(client, make_quote):
    make_quote("Words.")
    response = client.get("/quotes/", {"q": "   "})
    current = [label for label, _url, is_current in response.context["sort_links"] if is_current]
    sort = next(c for c in response.context["controls"] if c["name"] == "sort")
    chosen = [value for value, _label, selected in sort["options"] if selected]
    assert (current, chosen) == (["Newest first"], ["newest"])
