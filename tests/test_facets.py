"""Facet counts: right numbers for the current set, links that add the filter."""

import datetime
import time
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commentary.models import Country, Topic

pytestmark = pytest.mark.django_db


def facets(client, params=None, url="/quotes/"):
    response = client.get(url, params or {})
    assert response.status_code == 200
    return {facet.name: facet.values for facet in response.context["facets"]}


def by_label(values):
    return {value.label: value for value in values}


@pytest.fixture
def archive(make_quote, make_expert):
    ru = Country.objects.create(code="RU", name="Russia", name_zh="俄罗斯", region="Europe")
    us = Country.objects.create(code="US", name="United States", region="Americas")
    russian, american = make_expert(country=ru), make_expert(country=us)
    arms = Topic.objects.create(name="Arms race", slug="arms-race", name_zh="军备竞赛")
    quotes = [
        make_quote(speakers=[russian], kind="direct", said_on=datetime.date(2026, 2, 4)),
        make_quote(speakers=[russian], kind="direct", said_on=datetime.date(2026, 2, 5)),
        make_quote(speakers=[russian], kind="paraphrase", said_on=datetime.date(2025, 10, 1)),
        make_quote(speakers=[russian, american], kind="direct", said_on=datetime.date(2026, 1, 9)),
        make_quote(speakers=[american], kind="partial", language="zh-Hans", said_on=None),
        make_quote(speakers=[american], status="draft"),
    ]
    quotes[0].topics.add(arms)
    quotes[3].topics.add(arms)
    return quotes


def test_counts_cover_published_statements(client, archive):
    values = facets(client)
    countries = by_label(values["country"])
    assert countries["Russia"].count == 4 and countries["United States"].count == 2
    kinds = by_label(values["kind"])
    assert (kinds["Direct quote"].count, kinds["Paraphrase"].count) == (3, 1)
    assert by_label(values["language"])["English"].count == 4
    assert by_label(values["topic"])["Arms race"].count == 2
    years = by_label(values["date"])
    assert (years["2026"].count, years["2025"].count) == (3, 1)
    assert {m.label: m.count for m in years["2026"].children} == {"January": 1, "February": 2}


def test_counts_follow_the_other_filters(client, archive):
    values = facets(client, {"kind": "direct"})
    assert by_label(values["country"])["United States"].count == 1
    # A facet ignores its own filter, so the other kinds stay on offer.
    kinds = by_label(values["kind"])
    assert kinds["Paraphrase"].count == 1 and kinds["Direct quote"].selected


def test_country_links_add_and_remove_codes(client, archive):
    countries = by_label(facets(client, {"country": "RU", "page": "1"})["country"])
    add_us = parse_qs(countries["United States"].url[1:])
    assert sorted(add_us["country"]) == ["RU", "US"] and "page" not in add_us
    assert countries["Russia"].selected
    assert "country" not in parse_qs(countries["Russia"].url[1:])


def test_month_link_sets_the_range_and_gives_those_rows(client, archive):
    february = by_label(by_label(facets(client)["date"])["2026"].children)["February"]
    params = parse_qs(february.url[1:])
    assert params == {"date_from": ["2026-02"], "date_to": ["2026-02"]}
    page = client.get("/quotes/" + february.url).context["page"]
    assert {q.pk for q in page.object_list} == {archive[0].pk, archive[1].pk}


def test_chinese_interface_labels(client, archive):
    values = facets(client, url="/zh-hans/quotes/")
    assert "俄罗斯" in by_label(values["country"])
    assert "军备竞赛" in by_label(values["topic"])
    assert "2026年" in by_label(values["date"])


def test_three_clicks_russian_direct_quotes_of_february_2026(client, archive):
    """Country, then kind, then month: each a facet link, the rows are exactly right."""
    url = "/quotes/"
    russia = by_label(facets(client)["country"])["Russia"]
    direct = by_label(facets(client, url=url + russia.url)["kind"])["Direct quote"]
    dates = facets(client, url=url + direct.url)["date"]
    february = by_label(by_label(dates)["2026"].children)["February"]
    page = client.get(url + february.url).context["page"]
    assert {q.pk for q in page.object_list} == {archive[0].pk, archive[1].pk}


def test_scoped_page_hides_its_own_facet(client, archive):
    country = Country.objects.get(code="RU")
    values = facets(client, url=country.get_absolute_url())
    assert "country" not in values and "kind" in values


def test_facet_queries_are_fixed_whatever_the_rows(client, make_quote, make_expert):
    """One GROUP BY query (topics); kind, language and date are counted in Python from the
    rows the facets fetch once (twice here: once more without the kind filter), countries
    from (statement, country) pairs, since a joint statement counts once per country."""
    topics = [Topic.objects.create(name=f"T{n}", slug=f"t{n}") for n in range(5)]
    countries = [Country.objects.create(code=c, name=c) for c in ("AA", "BB", "CC", "DD")]

    def add(n):
        for i in range(n):
            quote = make_quote(
                speakers=[make_expert(country=countries[i % 4])],
                said_on=datetime.date(2000 + i, 1 + i % 12, 1),
            )
            quote.topics.add(topics[i % 5])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            client.get("/quotes/", {"kind": "direct"})
        return len(captured), len([q for q in captured if "GROUP BY" in q["sql"]])

    add(2)
    few = queries()
    assert few[1] == 1
    add(30)
    assert queries() == few


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_a_change_the_facets_are_recounted_in_the_background(client, make_quote, small_cap):
    """Outside a transaction (as a server's request is), the first request after a publish
    gets the facets counted before it at once and is not stored in the page cache; a
    background thread counts them again, and the next answers show the change."""
    for _ in range(7):
        make_quote("Common words.", language="en")

    def languages():
        response = client.get("/quotes/")
        if response.context is None:  # a page cache hit
            return response, None
        assert response.context["many"]
        facet = next(f for f in response.context["facets"] if f.name == "language")
        return response, {value.value for value in facet.values}

    first, counted = languages()
    assert counted == {"en"} and first["X-Page-Cache"] == "miss"
    make_quote("自然语言", language="zh-Hans")
    stale, counted = languages()
    assert counted == {"en"}  # at once, counted before the change
    assert "X-Page-Cache" not in stale  # and not kept
    deadline = time.monotonic() + 30
    while counted != {"en", "zh-Hans"} and time.monotonic() < deadline:
        time.sleep(0.05)
        fresh, counted = languages()
    assert counted == {"en", "zh-Hans"}
    assert fresh["X-Page-Cache"] == "miss"
    assert client.get("/quotes/")["X-Page-Cache"] == "hit"
