"""Nothing unpublished leaks, on any public surface.

The crawl builds its URLs from the URLconf (every public pattern, filled with every value
of its parameters that the database holds, drafts included), then follows every link it
finds, and asks every page to search for the markers. New surfaces (feeds, exports, an API,
a sitemap) are crawled without editing this test; a pattern with a parameter the test has
no values for fails it, so nothing is skipped silently. The same crawl runs with an editor
logged in: the public site shows editors nothing more.
"""

import itertools
import re
from collections import deque
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, quote, urljoin, urlsplit

import pytest
from django.contrib.auth.models import Group, User
from django.urls import URLPattern, URLResolver, get_resolver

from commentary.models import (
    Affiliation,
    ArchivedCopy,
    Collection,
    CollectionEntry,
    CollectionSection,
    Country,
    Expert,
    Organization,
    Outlet,
    Quote,
    Source,
    Topic,
)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent

MARKERS = {
    "draft": "LEAKDRAFTWORDS",
    "review": "LEAKREVIEWWORDS",
    "withdrawn": "LEAKWITHDRAWNWORDS",
    "draft-note": "LEAKDRAFTNOTE",
    "draft-zh": "泄漏草稿",
    "expert": "LEAKEXPERTNAME",
    "expert-zh": "泄漏专家",
    "organization": "LEAKORGNAME",
    "source": "LEAKSOURCETITLE",
    "outlet": "LEAKOUTLETNAME",
    "topic": "LEAKTOPICNAME",
    "collection": "LEAKCOLLECTIONTITLE",
    "section": "LEAKSECTIONTITLE",
}
CRAWL_LIMIT = 1500
SKIPPED_PREFIXES = ("admin", "i18n", "static")


@pytest.fixture
def archive(make_quote, make_expert, make_source, make_collection, make_topic):
    """Published statements, and unpublished ones sharing their speakers, sources, topics
    and collections, so every page that could show the unpublished ones exists."""
    country = Country.objects.create(code="NZ", name="New Zealand", region="Oceania")
    shared_expert = make_expert(country=country)
    shared_source = make_source()
    topic = make_topic()
    published = [
        make_quote("Published words one.", speakers=[shared_expert], sources=[shared_source]),
        make_quote("Published words two.", speakers=[make_expert(country=country)]),
    ]
    published[0].topics.add(topic)
    collection = make_collection(quotes=published)

    # Everything below belongs to unpublished work only.
    hidden_expert = Expert.objects.create(
        name=MARKERS["expert"],
        name_zh=MARKERS["expert-zh"],
        slug="hidden-expert",
        country=Country.objects.create(code="TV", name="Tuvalu", region="Oceania"),
    )
    hidden_org = Organization.objects.create(
        name=MARKERS["organization"], slug="hidden-org", parent=None
    )
    Affiliation.objects.create(expert=hidden_expert, organization=hidden_org, role="Chair")
    hidden_outlet = Outlet.objects.create(name=MARKERS["outlet"], slug="hidden-outlet")
    hidden_source = Source.objects.create(
        outlet=hidden_outlet, title=MARKERS["source"], url="https://example.org/hidden"
    )
    hidden_topic = Topic.objects.create(name=MARKERS["topic"], slug="hidden-topic", parent=topic)
    unpublished = []
    for status in ("draft", "review", "withdrawn"):
        quote = make_quote(
            f"{MARKERS[status]} {MARKERS['draft-zh']}",
            speakers=[shared_expert, hidden_expert],
            sources=[shared_source, hidden_source],
            status=status,
            context=MARKERS["draft-note"],
        )
        quote.topics.add(topic, hidden_topic)
        unpublished.append(quote)
    # A translation link from a published statement to an unpublished original.
    published[1].original = unpublished[0]
    published[1].save()
    # Unpublished statements inside the published collection, and a draft collection.
    section = collection.sections.get()
    for position, quote in enumerate(unpublished, start=50):
        CollectionEntry.objects.create(section=section, quote=quote, position=position)
    hidden = Collection.objects.create(
        title=MARKERS["collection"], slug="hidden-collection", status="draft"
    )
    CollectionSection.objects.create(
        collection=hidden, title=MARKERS["section"], slug="part", position=1
    )
    return {"published": published, "unpublished": unpublished, "country": country}


def public_patterns():
    """(prefix, pattern) for every public URL pattern, found by walking the URLconf."""
    found = []

    def walk(patterns, prefix):
        for entry in patterns:
            route = str(entry.pattern)
            if isinstance(entry, URLResolver):
                if route.lstrip("^").startswith(SKIPPED_PREFIXES):
                    continue
                walk(entry.url_patterns, prefix + route)
            elif isinstance(entry, URLPattern):
                found.append((prefix, entry))

    walk(get_resolver().url_patterns, "")
    return found


def parameter_values():
    """Values the database holds for each URL parameter name, unpublished rows included."""
    slugs = set()
    for model in (Expert, Organization, Outlet, Topic, Collection):
        slugs |= set(model.objects.values_list("slug", flat=True))
    codes = set(Expert.objects.exclude(country=None).values_list("country", flat=True))
    return {
        "slug": sorted(slugs),
        "pk": sorted(
            {
                *Quote.objects.values_list("pk", flat=True),
                *Source.objects.values_list("pk", flat=True),
            }
        ),
        "code": sorted(codes | {"US"}),
        # Copies of sources (none in the seed: their own leak test is in test_preservation).
        "copy": sorted(ArchivedCopy.objects.values_list("pk", flat=True)) or [1],
    }


def seed_urls():
    values = parameter_values()
    urls = set()
    for prefix, pattern in public_patterns():
        regex = pattern.pattern.regex
        names = list(regex.groupindex)
        if not names:
            urls.add("/" + prefix + _literal(pattern.pattern))
            continue
        choices = []
        for name in names:
            options = values.get(name) or _alternatives(regex.pattern, name)
            assert options, f"the leak crawl has no values for <{name}> in {pattern.pattern}"
            choices.append(options)
        for combination in itertools.product(*choices):
            path = regex.pattern
            for name, value in zip(names, combination, strict=True):
                path = re.sub(rf"\(\?P<{name}>[^)]*\)", str(value), path)
            urls.add("/" + prefix + _literal(path))
    return sorted(urls)


def _literal(route):
    """A pattern's path as a URL: anchors and backslash escapes dropped."""
    return str(route).lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")


def _alternatives(regex, name):
    match = re.search(rf"\(\?P<{name}>([\w|]+)\)", regex)
    return match.group(1).split("|") if match else []


LINK = re.compile(r"""(?:href|src|action)=["']([^"'#]+)""")


def crawl(client, start):
    """Every page of ``start`` (each public URL pattern, filled), then the pages they link
    to, up to ``CRAWL_LIMIT`` more: one per path and set of parameter names, since facet and
    sort links combine without end."""
    seen, shapes, queue, pages = set(), set(), deque(start), []
    followed = 0
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, url
        body = b"".join(response) if response.streaming else response.content
        text = unescape(body.decode("utf-8", "replace"))
        pages.append((url, response.status_code, text))
        for link in LINK.findall(text):
            target = urljoin(url, unescape(link))
            parts = urlsplit(target)
            if parts.netloc not in ("", "testserver") or not parts.path.startswith("/"):
                continue
            if parts.path.lstrip("/").startswith(SKIPPED_PREFIXES):
                continue
            shape = (parts.path, frozenset(parse_qs(parts.query)))
            if shape in shapes or followed >= CRAWL_LIMIT:
                continue
            shapes.add(shape)
            followed += 1
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return pages


PROBE = " OR ".join(MARKERS.values())


def search_probe(url):
    return f"{url}?q={quote(PROBE)}"


ECHOED_QUERY = re.compile(r"[?&]q=[^\"'&\s>]*")


def assert_no_markers(pages):
    """No marker on any page, apart from the page echoing the probe (search box, links that
    keep the query)."""
    leaks = [
        f"{name} on {url} ({status})"
        for url, status, text in pages
        for name, marker in MARKERS.items()
        if marker in ECHOED_QUERY.sub("", text.replace(PROBE, ""))
    ]
    assert leaks == []


@pytest.fixture
def editor_client(client):
    user = User.objects.create_user("crawl-editor", password="x" * 20, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["anonymous", "editor"])
def test_no_public_surface_shows_unpublished_work(archive, client, editor_client, who):
    browser = editor_client if who == "editor" else client
    if who == "anonymous":
        client.logout()
    start = seed_urls()
    assert len(start) > 20
    start += [search_probe(url) for url in start]
    start += ["/zh-hans" + url for url in start[:50]]
    pages = crawl(browser, start)
    assert len(pages) > 60
    assert_no_markers(pages)
    # The crawl did reach the pages where unpublished work would show.
    urls = {url for url, _status, _text in pages}
    for statement in archive["unpublished"]:
        assert f"/quotes/{statement.pk}/" in urls


def test_withdrawn_permalink_is_gone_and_others_not_found(archive, client):
    draft, review, withdrawn = archive["unpublished"]
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(review.get_absolute_url()).status_code == 404
    assert client.get(withdrawn.get_absolute_url()).status_code == 410


def test_counts_include_only_published_statements(archive, client):
    home = client.get("/").content.decode()
    assert re.search(r"\b2\b", home)  # two published statements
    assert Quote.objects.count() == 5
    listing = client.get("/quotes/")
    assert listing.context["page"].paginator.count == 2
    countries = client.get("/countries/").content.decode()
    assert "Tuvalu" not in countries  # its only speaker speaks in drafts
    nz = archive["country"]
    assert client.get(nz.get_absolute_url()).context["page"].paginator.count == 2
    facets = client.get("/quotes/", {"country": "TV"})
    assert facets.context["page"].paginator.count == 0


FORBIDDEN = re.compile(
    r"\bstatus(__\w+)?=(?!status\b|\d)|__status\b|Status\.[A-Z]|[\"']published[\"']"
)
# The views and every module of the public rooms (lists, outputs, the API), new ones too.
PUBLIC_MODULES = [
    "views.py",
    *(
        str(path.relative_to(ROOT / "commentary"))
        for room in ("browse", "outputs", "api")
        for path in sorted((ROOT / "commentary" / room).glob("*.py"))
    ),
]


def test_public_code_tests_publication_only_through_the_helper():
    """``published()`` (and ``published_rows()`` for related rows) is the only way public
    code decides what is published: no status literal or ``Status`` in public modules."""
    offenders = []
    for name in PUBLIC_MODULES:
        source = (ROOT / "commentary" / name).read_text()
        for number, line in enumerate(source.splitlines(), start=1):
            if FORBIDDEN.search(line):
                offenders.append(f"{name}:{number}: {line.strip()}")
    assert offenders == []
