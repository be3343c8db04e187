"""The sitemap lists every public page in both languages, and nothing else; robots.txt
keeps crawlers out of the admin, the API and the downloads and points them to it."""

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from commentary.models import (
    Affiliation,
    Collection,
    Country,
    Expert,
    Organization,
    Outlet,
    Source,
    Topic,
)
from commentary.outputs.sitemaps import SITEMAPS, QuoteSitemap

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture
def archive(make_quote, make_expert, make_source, make_collection, make_topic):
    """Published statements, and a draft and a withdrawn one whose expert, organisation,
    outlet, source, topic and collection appear nowhere else."""
    country = Country.objects.create(code="NZ", name="New Zealand", region="Oceania")
    topic = make_topic()
    published = [make_quote(speakers=[make_expert(country=country)]) for _ in range(3)]
    published[0].topics.add(topic)
    collection = make_collection(quotes=published)
    hidden_expert = Expert.objects.create(
        name="Hidden",
        slug="hidden-expert",
        country=Country.objects.create(code="TV", name="Tuvalu", region="Oceania"),
    )
    hidden_org = Organization.objects.create(name="Hidden org", slug="hidden-org")
    Affiliation.objects.create(expert=hidden_expert, organization=hidden_org, role="Chair")
    hidden_source = Source.objects.create(
        outlet=Outlet.objects.create(name="Hidden outlet", slug="hidden-outlet"),
        title="Hidden source",
    )
    hidden_topic = Topic.objects.create(name="Hidden topic", slug="hidden-topic")
    unpublished = []
    for status in ("draft", "withdrawn"):
        quote = make_quote(speakers=[hidden_expert], sources=[hidden_source], status=status)
        quote.topics.add(hidden_topic)
        unpublished.append(quote)
    hidden_collection = make_collection(quotes=unpublished, status="draft")
    hidden_collection.slug = "hidden-collection"
    hidden_collection.save()
    return {
        "published": published,
        "unpublished": unpublished,
        "collection": collection,
        "hidden_source": hidden_source,
        "topic": topic,
    }


def xml(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)  # noqa: S314 (the archive's own answer)


def index_locations(client):
    return [loc.text for loc in xml(client.get("/sitemap.xml")).iter(f"{SITEMAP}loc")]


def section_urls(client, location):
    """(loc, {hreflang: href}, lastmod) of each <url> of one sitemap page."""
    parts = urlsplit(location)
    root = xml(client.get(parts.path, {"p": parts.query[2:]} if parts.query else {}))
    assert root.tag == f"{SITEMAP}urlset"
    return [
        (
            url.findtext(f"{SITEMAP}loc"),
            {link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")},
            url.findtext(f"{SITEMAP}lastmod"),
        )
        for url in root.iter(f"{SITEMAP}url")
    ]


def every_url(client):
    return [url for location in index_locations(client) for url in section_urls(client, location)]


def paths(urls):
    return {urlsplit(loc).path for loc, _alternates, _lastmod in urls}


def test_index_lists_a_sitemap_per_section(client, archive):
    assert index_locations(client) == [
        f"http://testserver/sitemap-{section}.xml" for section in SITEMAPS
    ]


def test_every_listed_url_answers(client, archive):
    urls = every_url(client)
    listed = paths(urls) | {
        urlsplit(href).path for _loc, alternates, _lastmod in urls for href in alternates.values()
    }
    assert len(listed) > 20
    for path in sorted(listed):
        assert client.get(path).status_code == 200, path


def test_every_page_is_listed_in_both_languages_with_alternates(client, archive):
    quote = archive["published"][0]
    urls = {loc: alternates for loc, alternates, _lastmod in every_url(client)}
    english = f"http://testserver/quotes/{quote.pk}/"
    chinese = f"http://testserver/zh-hans/quotes/{quote.pk}/"
    expected = {"en": english, "zh-hans": chinese, "x-default": english}
    assert urls[english] == expected
    assert urls[chinese] == expected
    assert {lang for lang, _name in settings.LANGUAGES} <= set(expected)
    assert "http://testserver/zh-hans/" in urls and "http://testserver/" in urls


def test_public_records_of_every_kind_are_listed(client, archive):
    listed = paths(every_url(client))
    quote = archive["published"][0]
    speaker = quote.speakers.get()
    assert {
        quote.get_absolute_url(),
        speaker.expert.get_absolute_url(),
        speaker.affiliation.organization.get_absolute_url(),
        "/countries/NZ/",
        quote.citations.get().source.get_absolute_url(),
        quote.citations.get().source.outlet.get_absolute_url(),
        archive["topic"].get_absolute_url(),
        archive["collection"].get_absolute_url(),
        "/quotes/",
        "/experts/",
        "/countries/",
    } <= listed


def test_nothing_unpublished_is_listed(client, archive):
    text = b"".join(
        client.get(urlsplit(location).path).content for location in index_locations(client)
    ).decode()
    for quote in archive["unpublished"]:
        assert f"/quotes/{quote.pk}/" not in text
    for hidden in (
        "hidden-expert",
        "hidden-org",
        "hidden-outlet",
        "hidden-topic",
        "hidden-collection",
        "/countries/TV/",
        f"/sources/{archive['hidden_source'].pk}/",
    ):
        assert hidden not in text
    assert Collection.objects.filter(slug="hidden-collection").exists()


def test_statements_have_their_last_change_as_lastmod(client, archive):
    quote = archive["published"][0]
    urls = section_urls(client, "/sitemap-quotes.xml")
    lastmods = {loc: lastmod for loc, _alternates, lastmod in urls}
    assert lastmods[f"http://testserver/quotes/{quote.pk}/"] == quote.updated_at.date().isoformat()


def test_sections_are_split_into_pages(client, archive, monkeypatch):
    monkeypatch.setattr(QuoteSitemap, "limit", 4)  # 3 statements x 2 languages: 2 pages
    locations = [loc for loc in index_locations(client) if "sitemap-quotes" in loc]
    assert locations == [
        "http://testserver/sitemap-quotes.xml",
        "http://testserver/sitemap-quotes.xml?p=2",
    ]
    pages = [[loc for loc, _a, _l in section_urls(client, loc)] for loc in locations]
    assert [len(page) for page in pages] == [4, 2]
    quotes = sorted(archive["published"], key=lambda quote: quote.pk)
    assert pages[0][:2] == [
        f"http://testserver/quotes/{quotes[0].pk}/",
        f"http://testserver/zh-hans/quotes/{quotes[0].pk}/",
    ]
    assert len(set(pages[0] + pages[1])) == 6
    assert client.get("/sitemap-quotes.xml", {"p": "3"}).status_code == 404
    assert client.get("/sitemap-quotes.xml", {"p": "last"}).status_code == 404


def test_reading_a_page_does_not_read_the_whole_section(
    client, archive, make_quote, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(QuoteSitemap, "limit", 2)
    for _ in range(10):
        make_quote()
    # The count (for the number of pages) and one page of statements (here one statement, in
    # two languages), however many there are.
    with django_assert_num_queries(2) as captured:
        response = client.get("/sitemap-quotes.xml", {"p": "2"})
    assert response.status_code == 200
    assert "LIMIT 1" in captured.captured_queries[1]["sql"]


def test_index_reads_a_count_per_section_and_one_lastmod(
    client, archive, django_assert_num_queries
):
    with django_assert_num_queries(len(SITEMAPS) - 1 + 1):  # static pages need no query
        client.get("/sitemap.xml")


def test_unknown_section_is_not_found(client):
    assert client.get("/sitemap-people.xml").status_code == 404


def test_robots_txt_keeps_crawlers_out_of_machine_and_editor_pages(client, archive):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in (
        f"/{settings.ADMIN_URL}",
        f"/zh-hans/{settings.ADMIN_URL}",
        "/api/",
        "/quotes/export.",
        "/zh-hans/quotes/export.",
        "/quotes/cite.",
    ):
        assert f"Disallow: {path}" in lines
    assert "Allow: /" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    # Pages, and the feeds with their query strings, are not disallowed; downloads are.
    rules = [
        re.compile(re.escape(line.split(": ", 1)[1]).replace(r"\*", ".*"))
        for line in lines
        if line.startswith("Disallow:")
    ]
    for path in ("/", "/quotes/", "/quotes/feed/?country=RU", "/quotes/1/", "/zh-hans/"):
        assert not any(rule.match(path) for rule in rules), path
    for path in (
        "/quotes/export.csv?country=RU",
        "/quotes/12/cite.bib",
        "/zh-hans/quotes/cite.ris",
    ):
        assert any(rule.match(path) for rule in rules), path
