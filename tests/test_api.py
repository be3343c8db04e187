"""The read API under /api/: published data only, the list page's filters, honest errors,
a schema that the answers keep to (checked by schemathesis, in-process)."""

import datetime
import json
import os
import re

import pytest
import schemathesis
from django.conf import settings
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.throttling import AnonRateThrottle

from archive.wsgi import application
from commentary.api.views import RESOURCES, StatementViewSet
from commentary.browse import pagination
from commentary.models import (
    Affiliation,
    Collection,
    CollectionEntry,
    CollectionSection,
    Country,
    Expert,
    ExpertName,
    Organization,
    Outlet,
    Quote,
    Source,
    Topic,
)

pytestmark = pytest.mark.django_db

MARKERS = {
    "draft": "APIDRAFTWORDS",
    "review": "APIREVIEWWORDS",
    "withdrawn": "APIWITHDRAWNWORDS",
    "note": "APIDRAFTNOTE",
    "expert": "APIHIDDENEXPERT",
    "expert-zh": "隐藏专家",
    "organization": "APIHIDDENORG",
    "outlet": "APIHIDDENOUTLET",
    "source": "APIHIDDENSOURCE",
    "topic": "APIHIDDENTOPIC",
    "collection": "APIHIDDENCOLLECTION",
}


@pytest.fixture
def archive(make_quote, make_expert, make_source, make_collection, make_topic):
    """Published statements, and unpublished ones sharing their speaker, source, topic and
    collection; a hidden expert, organisation, outlet, source and topic that only the
    unpublished ones reach; a published translation of a draft original."""
    country = Country.objects.create(code="NZ", name="New Zealand", region="Oceania")
    speaker = make_expert(name="Jane Roe", country=country, name_zh="简·罗")
    ExpertName.objects.create(expert=speaker, name="J. Roe", language="en")
    source = make_source(title="The shared source", url="https://example.org/a")
    topic = make_topic("Arms control")
    first = make_quote(
        "Published words one.",
        speakers=[speaker],
        sources=[source],
        said_on=datetime.date(2026, 2, 1),
        date_precision="month",
    )
    first.topics.add(topic)
    second = make_quote("Published words two.", speakers=[make_expert(country=country)])
    translation = make_quote("发表的译文。", language="zh-Hans", original=first, translator="T")
    collection = make_collection(quotes=[first, second])

    hidden_expert = Expert.objects.create(
        name=MARKERS["expert"],
        name_zh=MARKERS["expert-zh"],
        slug="api-hidden-expert",
        country=Country.objects.create(code="TV", name="Tuvalu", region="Oceania"),
    )
    Affiliation.objects.create(
        expert=hidden_expert,
        organization=Organization.objects.create(name=MARKERS["organization"], slug="api-org"),
    )
    hidden_source = Source.objects.create(
        outlet=Outlet.objects.create(name=MARKERS["outlet"], slug="api-hidden-outlet"),
        title=MARKERS["source"],
    )
    hidden_topic = Topic.objects.create(name=MARKERS["topic"], slug="api-hidden-topic")
    unpublished = {}
    for status in ("draft", "review", "withdrawn"):
        quote = make_quote(
            f"{MARKERS[status]} words",
            speakers=[speaker, hidden_expert],
            sources=[source, hidden_source],
            status=status,
            context=MARKERS["note"],
        )
        quote.topics.add(topic, hidden_topic)
        CollectionEntry.objects.create(
            section=collection.sections.get(), quote=quote, position=10 + len(unpublished)
        )
        unpublished[status] = quote
    second.original = unpublished["draft"]  # a published translation of a draft
    second.save()
    hidden = Collection.objects.create(
        title=MARKERS["collection"], slug="api-hidden-collection", status="draft"
    )
    CollectionSection.objects.create(collection=hidden, title="Part", slug="part", position=1)
    return {
        "first": first,
        "second": second,
        "translation": translation,
        "speaker": speaker,
        "hidden_expert": hidden_expert,
        "source": source,
        "topic": topic,
        "collection": collection,
        "country": country,
        "unpublished": unpublished,
    }


def get(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, (url, params, response.content[:500])
    return json.loads(response.content) if "json" in response["Content-Type"] else None


def ids(body):
    return [row["id"] for row in body["results"]]


# The map of the API


def test_root_links_every_list_and_the_schema(client):
    body = get(client, "/api/")
    assert set(body) == set(RESOURCES)
    assert body["statements"] == "http://testserver/api/quotes/"
    assert body["schema"] == "http://testserver/api/schema/"


def test_schema_is_json_at_a_stable_url(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert "/api/quotes/" in document["paths"]


def test_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "api.yml")


def test_schema_describes_parameters_and_errors(client):
    document = get(client, "/api/schema/")
    operation = document["paths"]["/api/quotes/"]["get"]
    parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert set(parameters) >= {"q", "country", "region", "kind", "date_from", "sort", "page"}
    assert "direct" in parameters["kind"]["enum"]
    assert parameters["page"] == {"type": "integer", "minimum": 1, "default": 1}
    assert parameters["page_size"]["enum"] == [20, 50, 100]
    assert re.fullmatch(parameters["date_to"]["pattern"], "2026-02")
    assert set(operation["responses"]) >= {"200", "400", "404", "429"}


# Statements


def test_statement_shows_speakers_roles_citations_and_links(client, archive):
    first = archive["first"]
    body = get(client, f"/api/quotes/{first.pk}/")
    assert body["url"] == f"http://testserver/quotes/{first.pk}/"
    assert body["said_on"] == "2026-02"
    assert body["date_precision"] == "month"
    assert body["kind"] == "direct"
    [speaker] = body["speakers"]
    assert speaker["expert"]["slug"] == archive["speaker"].slug
    assert speaker["expert"]["name_zh"] == "简·罗"
    assert speaker["role"]["role"] == "Fellow"
    assert speaker["role"]["organization"]["slug"].startswith("org-")
    [citation] = body["citations"]
    assert citation["source"]["title"] == "The shared source"
    assert citation["source"]["url"] == "https://example.org/a"
    assert body["topics"] == [archive["topic"].slug]
    assert body["translations"] == [archive["translation"].pk]


def test_translation_of_a_draft_names_no_original(client, archive):
    assert get(client, f"/api/quotes/{archive['second'].pk}/")["original"] is None
    translation = get(client, f"/api/quotes/{archive['translation'].pk}/")
    assert translation["original"] == archive["first"].pk


def test_list_is_newest_first_and_paginated(client, archive):
    body = get(client, "/api/quotes/")
    assert body["count"] == 3
    assert body["count_is_capped"] is False
    assert ids(body)[-1] == archive["first"].pk  # February 2026, before the 4th
    assert body["next"] is None


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "nz"}, ["first", "second"]),
        ({"expert": "J. Roe"}, ["first"]),
        ({"topic": "TOPIC"}, ["first"]),
        ({"language": "zh-Hans"}, ["translation"]),
        ({"date_from": "2026-02-02"}, ["second", "translation"]),
        ({"q": "words two"}, ["second"]),
        ({"collection": "COLLECTION"}, ["second", "first"]),
        ({"sort": "oldest"}, ["first", "second", "translation"]),
    ],
)
def test_list_takes_the_pages_filters(client, archive, params, expected):
    params = {
        name: archive[value.lower()].slug if value.isupper() else value
        for name, value in params.items()
    }
    body = get(client, "/api/quotes/", **params)
    if "sort" in params:
        assert ids(body) == [archive[name].pk for name in expected]
    else:
        assert set(ids(body)) == {archive[name].pk for name in expected}


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"country": "ZZ"}, "country"),
        ({"country": "Russia"}, "country"),
        ({"region": "Atlantis"}, "region"),
        ({"kind": "rumour"}, "kind"),
        ({"date_from": "2026-13"}, "date_from"),
        ({"date_from": "2026", "date_to": "2025"}, "date_to"),
        ({"expert": "nobody at all"}, "expert"),
        ({"expert": "api-hidden-expert"}, "expert"),  # speaks only in drafts
        ({"collection": "api-hidden-collection"}, "collection"),
        ({"sort": "random"}, "sort"),
        ({"page_size": "7"}, "page_size"),
        ({"q": "x" * 501}, "q"),
    ],
)
def test_invalid_filters_answer_400_naming_the_parameter(client, archive, params, parameter):
    body = get(client, "/api/quotes/", 400, **params)
    assert list(body["errors"]) == [parameter]
    assert all(isinstance(message, str) and message for message in body["errors"][parameter])


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "last", "٢", "1" + "0" * 30, ""])
def test_a_page_outside_the_list_is_404(client, archive, page):
    body = get(client, "/api/quotes/", 404, page=page)
    assert body["detail"]


def test_past_the_count_cap_pages_continue_by_cursor(client, make_quote, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    made = [make_quote(said_on=datetime.date(2026, 1, day)) for day in range(1, 6)]
    first = get(client, "/api/quotes/")
    assert first["count"] == 3
    assert first["count_is_capped"] is True
    assert ids(first) == [q.pk for q in reversed(made[2:])]
    assert "after=" in first["next"]
    rest = get(client, first["next"])
    assert ids(rest) == [made[1].pk, made[0].pk]
    assert rest["next"] is None


def test_a_malformed_cursor_is_404(client, archive):
    assert get(client, "/api/quotes/", 404, after="yesterday")["detail"]


def test_list_query_count_does_not_grow_with_rows(
    client, make_quote, make_topic, django_assert_num_queries
):
    topic = make_topic()
    for _ in range(3):
        make_quote(original=make_quote()).topics.add(topic)
    # count, rows, then speakers, topics, citations, originals, translations
    with django_assert_num_queries(7):
        get(client, "/api/quotes/")
    for _ in range(5):
        make_quote(original=make_quote())
    with django_assert_num_queries(7):
        assert len(get(client, "/api/quotes/")["results"]) == 16


def test_detail_query_count(client, archive, django_assert_num_queries):
    # the row, then speakers, topics, citations, original, translations
    with django_assert_num_queries(6):
        get(client, f"/api/quotes/{archive['translation'].pk}/")


def test_expert_list_query_count(client, archive, make_quote, django_assert_num_queries):
    for _ in range(5):
        make_quote()
    # count, rows, then other names, affiliations (with their organisations)
    with django_assert_num_queries(4):
        assert len(get(client, "/api/experts/")["results"]) == 8


def test_collection_query_count(client, archive, django_assert_num_queries):
    # the collection (with compiler and sources), sections, their published entries
    with django_assert_num_queries(3):
        get(client, f"/api/collections/{archive['collection'].slug}/")


# The other records


def test_expert_shows_names_roles_and_published_count(client, archive):
    body = get(client, f"/api/experts/{archive['speaker'].slug}/")
    assert body["name"] == "Jane Roe"
    assert body["country"] == "NZ"
    assert body["other_names"] == [{"name": "J. Roe", "language": "en", "note": ""}]
    assert body["affiliations"][0]["role"] == "Fellow"
    assert body["statement_count"] == 1  # not the three unpublished ones
    statements = get(client, body["statements"])
    assert ids(statements) == [archive["first"].pk]


def test_expert_list_takes_the_expert_pages_filters(client, archive):
    body = get(client, "/api/experts/", name="roe")
    assert [row["slug"] for row in body["results"]] == [archive["speaker"].slug]
    assert get(client, "/api/experts/", 400, country="ZZ")["errors"]["country"]


def test_country_lists_only_countries_with_published_statements(client, archive):
    body = get(client, "/api/countries/")
    assert [row["code"] for row in body["results"]] == ["NZ"]
    assert body["results"][0]["statement_count"] == 2
    assert get(client, "/api/countries/nz/")["name"] == "New Zealand"
    get(client, "/api/countries/TV/", 404)


def test_collection_lists_sections_with_published_entries_only(client, archive):
    body = get(client, f"/api/collections/{archive['collection'].slug}/")
    [section] = body["sections"]
    assert section["statements"] == [archive["first"].pk, archive["second"].pk]
    get(client, "/api/collections/api-hidden-collection/", 404)


def test_source_topic_outlet_and_organization_details(client, archive):
    source = archive["source"]
    assert get(client, f"/api/sources/{source.pk}/")["title"] == "The shared source"
    assert get(client, f"/api/outlets/{source.outlet.slug}/")["slug"] == source.outlet.slug
    assert get(client, f"/api/topics/{archive['topic'].slug}/")["name"] == "Arms control"
    role = archive["first"].speakers.get().affiliation
    assert get(client, f"/api/organizations/{role.organization.slug}/")["name"]


# Nothing unpublished, anywhere


def every_api_url(archive):
    """Every list, every detail URL the database could fill (drafts' too), and the lists
    with filters and searches that would reach unpublished work."""
    slugs = {
        "experts": Expert.objects.values_list("slug", flat=True),
        "organizations": Organization.objects.values_list("slug", flat=True),
        "outlets": Outlet.objects.values_list("slug", flat=True),
        "topics": Topic.objects.values_list("slug", flat=True),
        "collections": Collection.objects.values_list("slug", flat=True),
        "countries": Country.objects.values_list("code", flat=True),
        "quotes": Quote.objects.values_list("pk", flat=True),
        "sources": Source.objects.values_list("pk", flat=True),
    }
    urls = ["/api/"]
    for prefix, values in slugs.items():
        urls.append(f"/api/{prefix}/")
        urls += [f"/api/{prefix}/{value}/" for value in values]
    probes = [*MARKERS.values(), "words"]
    urls += [f"/api/quotes/?q={probe}" for probe in probes]
    urls += [f"/api/experts/?name={probe}" for probe in probes]
    speaker = archive["speaker"].slug
    urls += [
        f"/api/quotes/?expert={speaker}",
        f"/api/quotes/?topic={archive['topic'].slug}",
        f"/api/quotes/?source={archive['source'].pk}",
        f"/api/quotes/?collection={archive['collection'].slug}",
        "/api/quotes/?country=NZ&country=TV",
        "/api/quotes/?region=Oceania&sort=oldest",
    ]
    return urls


def test_unpublished_work_appears_in_no_answer(client, archive):
    answers = {url: client.get(url) for url in every_api_url(archive)}
    leaks = [
        (url, name)
        for url, response in answers.items()
        for name, marker in MARKERS.items()
        if marker in re.sub(r"[?&](q|name)=[^\"&]*", "", response.content.decode())
    ]
    assert leaks == []
    assert all(response.status_code < 500 for response in answers.values())
    hidden_ids = {q.pk for q in archive["unpublished"].values()}
    listed = json.loads(answers["/api/quotes/?region=Oceania&sort=oldest"].content)
    assert not hidden_ids & set(ids(listed))


@pytest.mark.parametrize("status", ["draft", "review"])
def test_unpublished_statement_is_not_found(client, archive, status):
    get(client, f"/api/quotes/{archive['unpublished'][status].pk}/", 404)


def test_withdrawn_statement_is_gone(client, archive):
    body = get(client, f"/api/quotes/{archive['unpublished']['withdrawn'].pk}/", 410)
    assert MARKERS["withdrawn"] not in json.dumps(body)


def test_records_only_drafts_reach_are_not_found(client, archive):
    for url in [
        "/api/experts/api-hidden-expert/",
        "/api/organizations/api-org/",
        "/api/outlets/api-hidden-outlet/",
        "/api/topics/api-hidden-topic/",
        f"/api/sources/{Source.objects.get(title=MARKERS['source']).pk}/",
    ]:
        get(client, url, 404)


# Bad input and methods


@pytest.mark.parametrize(
    "url",
    [
        "/api/quotes/99999999999999999999/",
        "/api/quotes/0/",
        "/api/quotes/abc/",
        "/api/sources/9223372036854775808/",
        "/api/experts/%00/",
        "/api/experts/%E2%80%AE%F0%9F%98%80/",
        "/api/countries/%00X/",
        "/api/countries/%C3%A9%C3%A9/",
        "/api/topics/a%20b/",
    ],
)
def test_malformed_identifiers_are_json_404(client, archive, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "params",
    [
        {"q": "a\x00b"},
        {"country": "\x00"},
        {"page": "1\x00"},
    ],
)
def test_nul_bytes_are_refused(client, archive, params):
    assert client.get("/api/quotes/", params).status_code == 400


@pytest.mark.parametrize(
    "params",
    [
        {"q": "\u202e\u0301😀\ufeff中"},
        {"expert": "\u202e😀"},
        {"topic": "中文"},
        {"source": "1" + "0" * 30},
        {"date_from": "9999-12-31", "date_to": "9999-12-31"},
        {"page": "1" + "0" * 30},
    ],
)
def test_odd_values_never_fail_the_server(client, archive, params):
    assert client.get("/api/quotes/", params).status_code in (200, 400, 404)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(archive, method):
    client = Client(enforce_csrf_checks=True)
    for url in ["/api/quotes/", f"/api/quotes/{archive['first'].pk}/", "/api/"]:
        response = getattr(client, method)(url, {}, content_type="application/json")
        assert response.status_code == 405
        assert "POST" not in response["Allow"]
    assert Quote.objects.count() == 6


def test_head_and_options_are_answered(client, archive):
    assert client.head("/api/quotes/").status_code == 200
    assert client.options("/api/quotes/").status_code == 200


# Rate limiting


def test_rate_limit_comes_from_the_environment():
    expected = os.environ.get("DJANGO_API_RATE", "120/minute")
    assert expected == settings.API_RATE
    assert AnonRateThrottle().get_rate() == expected
    assert StatementViewSet().get_throttles()[0].get_rate() == expected


def test_requests_beyond_the_rate_are_refused(client, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    # Distinct addresses: an answer the page cache holds is not counted against the rate.
    statuses = [client.get(f"/api/?n={n}").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/quotes/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0


# Schemathesis: generated requests against the schema, in-process through WSGI


@pytest.fixture
def connection_kept():
    """Requests through the WSGI application close the database connection when they end,
    which on PostgreSQL would end the test's transaction; Django's test client avoids this
    the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


# Loaded at import: the schema view reads no rows. Each generated test runs on the
# ``archive`` fixture's rows (published and unpublished), inside its transaction.
api_schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
MAX_EXAMPLES = 30


@api_schema.parametrize()
@hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_keeps_to_its_schema(case, archive, connection_kept):
    case.call_and_validate(
        excluded_checks=[
            # A schema-valid value can name nothing in the archive (country=ZZ, an expert
            # slug no one has); the list answers 400 "not in the archive", by design.
            schemathesis.checks.positive_data_acceptance,
        ]
    )
