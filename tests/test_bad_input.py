"""Malformed input on every public URL: a form error (400) or a 404, never a 500, and
never a change to the data."""

from urllib.parse import quote as urlquote

import pytest
from django.urls import get_resolver

from commentary.models import Quote

pytestmark = pytest.mark.django_db

LIST_PARAMETERS = [
    "q",
    "country",
    "region",
    "expert",
    "organization",
    "outlet",
    "source_kind",
    "topic",
    "language",
    "kind",
    "date_from",
    "date_to",
    "collection",
    "source",
    "sort",
    "page",
    "page_size",
    "after",
    "name",
    "p",
]
MALFORMED = {
    "letters": "abc",
    "zero": "0",
    "negative": "-1",
    "huge": "1" + "0" * 30,
    "last": "last",
    "float": "1.5",
    "broken-utf8": "%ff%fe%c3",  # already percent-encoded: invalid UTF-8 bytes
    "ten-kilobytes": "x" * 10_000,
    "odd-unicode": "\u202e\u0301😀\ufeff中",
    "sql": "' OR 1=1 --",
    "markup": "<script>alert(1)</script>",
    "far-future": "9999-12",
    "last-day": "9999-12-31",
    "many-words": " ".join(f"w{n}" for n in range(200)),
}


def encode(value):
    return value if value.startswith("%") else urlquote(value, safe="")


def public_urls(urls):
    """Every named public URL: the test fails if a new one is not in the table."""
    names = {
        pattern.name
        for urlconf in ("commentary.urls", "commentary.machine_urls")
        for pattern in get_resolver(urlconf).url_patterns
        if getattr(pattern, "name", None)
    }
    assert names == set(urls), f"add {names - set(urls)} to the bad-input table"
    return [urls[name]() for name in sorted(urls)]


@pytest.fixture
def urls(rich_archive):
    add, by_name = rich_archive
    add(3)
    table = {
        "home": by_name["home"],
        "quote-list": by_name["list"],
        "quote-detail": by_name["quote"],
        "expert-list": by_name["experts"],
        "expert-detail": by_name["expert"],
        "country-list": by_name["countries"],
        "country-detail": by_name["country"],
        "organization-detail": by_name["organization"],
        "outlet-detail": by_name["outlet"],
        "source-detail": by_name["source"],
        "source-archived": lambda: by_name["source"]() + "archived/",
        "source-archived-content": lambda: by_name["source"]() + "archived/1/content/",
        "source-archived-warc": lambda: by_name["source"]() + "archived/1.warc.gz",
        "topic-detail": by_name["topic"],
        "collection-detail": by_name["collection"],
        "suggest": lambda: "/suggest/experts/",
        "quote-export": lambda: "/quotes/export.csv",
        "quote-citation": lambda: by_name["quote"]() + "cite.bib",
        "quote-list-citation": lambda: "/quotes/cite.ris",
        "quote-feed": lambda: "/quotes/feed/",
        "expert-feed": lambda: by_name["expert"]() + "feed/",
        "country-feed": lambda: by_name["country"]() + "feed/",
        "organization-feed": lambda: by_name["organization"]() + "feed/",
        "outlet-feed": lambda: by_name["outlet"]() + "feed/",
        "topic-feed": lambda: by_name["topic"]() + "feed/",
        "collection-feed": lambda: by_name["collection"]() + "feed/",
        "sitemap": lambda: "/sitemap.xml",
        "sitemap-section": lambda: "/sitemap-quotes.xml",
        "robots": lambda: "/robots.txt",
        "popolo": lambda: "/popolo.json",
        "healthz": lambda: "/healthz",
        "readyz": lambda: "/readyz",
        "metrics": lambda: "/metrics",
    }
    return public_urls(table)


def snapshot():
    return list(Quote.objects.order_by("pk").values_list("pk", "text", "status", "updated_at"))


def fetch(client, url, query):
    response = client.get(f"{url}?{query}")
    assert response.status_code in (200, 400, 404), (url, query[:80], response.status_code)
    if response.status_code == 400 and response["Content-Type"].startswith("text/html"):
        assert "could not be applied" in response.content.decode(), (url, query[:80])
    return response


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_every_url_with_every_parameter_malformed(client, urls, kind):
    before = snapshot()
    value = encode(MALFORMED[kind])
    query = "&".join(f"{name}={value}" for name in LIST_PARAMETERS)
    for url in urls:
        fetch(client, url, query)
        fetch(client, url, f"{query}&{query}")  # every parameter repeated
    assert snapshot() == before


@pytest.mark.parametrize("name", LIST_PARAMETERS)
def test_each_list_parameter_alone(client, urls, name):
    before = snapshot()
    for value in MALFORMED.values():
        fetch(client, "/quotes/", f"{name}={encode(value)}")
    fetch(client, "/quotes/", f"{name}=a&{name}=b&{name}=")
    assert snapshot() == before


@pytest.mark.parametrize("url", ["/", "/quotes/", "/experts/", "/suggest/experts/"])
def test_nul_bytes_are_a_bad_request(client, url):
    assert client.get(f"{url}?q=a%00b").status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/quotes/%ff/",
        "/experts/%ff%fe/",
        "/countries/%00/",
        "/countries/ZZ/",
        "/countries/RUS/",
        "/organizations/" + "x" * 5000 + "/",
        "/sources/99999999999999999999999/",
        "/sources/1/archived/99999999999999999999999/content/",
        "/sources/99999999999999999999999/archived/1.warc.gz",
        "/topics/a%00b/",
        "/collections/%E2%80%AE/",
        "/quotes/-1/",
        "/quotes/0/",
        "/zh-hans/experts/nobody/",
        "/suggest/people/",
    ],
)
def test_malformed_paths_are_404(client, urls, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("path", ["/quotes/", "/api/quotes/", "/nowhere/", "/admin/login/"])
def test_more_query_fields_than_django_parses_are_a_bad_request_even_under_debug(
    client, settings, path, debug
):
    """Under DEBUG Django's error page reads the query again and fails with a 500."""
    settings.DEBUG = debug
    client.raise_request_exception = False
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    crowded = "&".join(f"p{n}=1" for n in range(limit + 1))
    response = client.get(f"{path}?{crowded}")
    assert response.status_code == 400
    assert f"more than {limit} parameters" in response.content.decode()
    exactly = "&".join(f"p{n}=1" for n in range(limit))
    assert client.get(f"{path}?{exactly}").status_code in (200, 302, 404)
