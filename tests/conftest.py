import datetime
import itertools
import threading

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation

from commentary.models import (
    Affiliation,
    Citation,
    Collection,
    CollectionEntry,
    CollectionSection,
    Country,
    Expert,
    Organization,
    Outlet,
    Quote,
    QuoteSpeaker,
    Source,
    Topic,
)

from .browser import browser_page  # noqa: F401  (a fixture, used by browser tests)
from .services import (  # noqa: F401  (fixtures: a real Redis server, PostgreSQL servers)
    postgres_cluster,
    redis_server,
)

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def english():
    """Each test starts in English: a request made through the test client leaves its
    language active in this thread, which would change the URLs that reverse() builds."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def background_work_finished():
    """A test ends when the facets it set counting in the background are counted (a live
    server's requests run outside a transaction, so they may): a thread still reading the
    database would meet the next test's flush."""
    yield
    for thread in threading.enumerate():
        if thread.name == "facets-refresh":
            thread.join(timeout=60)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Cached facets belong to one test's data."""
    cache.clear()


@pytest.fixture
def small_cap(monkeypatch):
    """Caps of 5 rows, so a handful of statements behaves like a million."""
    from commentary.browse import facets, listing, pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 5)
    monkeypatch.setattr(listing, "COUNT_CAP", 5)
    monkeypatch.setattr(facets, "FACET_SAMPLE", 5)
    monkeypatch.setattr(listing, "FACET_SAMPLE", 5)


@pytest.fixture
def uncached(settings):
    """The page cache off, for a test that counts a view's queries or reads its context on
    a repeated request (a hit runs no view)."""
    settings.PAGE_CACHE_SECONDS = 0


def unique(prefix):
    return f"{prefix}-{next(_counter)}"


@pytest.fixture
def seeded(db):
    call_command("load_seed", verbosity=0)


@pytest.fixture
def country(db):
    return Country.objects.create(code="RU", name="Russia", name_zh="俄罗斯", region="Europe")


@pytest.fixture
def make_expert(db):
    def make(name=None, country=None, **fields):
        name = name or unique("Expert")
        return Expert.objects.create(name=name, slug=unique("expert"), country=country, **fields)

    return make


@pytest.fixture
def make_source(db):
    def make(**fields):
        outlet = fields.pop("outlet", None) or Outlet.objects.create(
            name=unique("Outlet"), slug=unique("outlet")
        )
        fields.setdefault("published_on", datetime.date(2026, 2, 4))
        return Source.objects.create(outlet=outlet, **fields)

    return make


@pytest.fixture
def make_quote(db, make_expert, make_source):
    def make(text=None, speakers=None, status="published", sources=None, **fields):
        fields.setdefault("language", "en")
        fields.setdefault("kind", "direct")
        fields.setdefault("said_on", datetime.date(2026, 2, 4))
        quote = Quote.objects.create(text=text or unique("Words"), status=status, **fields)
        for position, expert in enumerate(speakers or [make_expert()], start=1):
            role = Affiliation.objects.create(
                expert=expert,
                organization=Organization.objects.create(name=unique("Org"), slug=unique("org")),
                role="Fellow",
            )
            QuoteSpeaker.objects.create(
                quote=quote, expert=expert, affiliation=role, position=position
            )
        for position, source in enumerate(sources or [make_source()], start=1):
            Citation.objects.create(quote=quote, source=source, position=position)
        return quote

    return make


@pytest.fixture
def make_collection(db):
    def make(quotes=(), status="published", sections=1):
        collection = Collection.objects.create(
            title=unique("Collection"), slug=unique("collection"), status=status
        )
        parts = [
            CollectionSection.objects.create(
                collection=collection, title=f"Part {n}", slug=f"part-{n}", position=n
            )
            for n in range(1, sections + 1)
        ]
        for position, quote in enumerate(quotes, start=1):
            CollectionEntry.objects.create(section=parts[0], quote=quote, position=position)
        return collection

    return make


@pytest.fixture
def make_topic(db):
    def make(name=None):
        name = name or unique("Topic")
        return Topic.objects.create(name=name, slug=unique("topic"))

    return make


@pytest.fixture
def rich_archive(make_quote, make_expert, make_source, make_collection, make_topic):
    """Build ``add(n)``: n statements sharing one expert, country, outlet, topic, collection."""
    from commentary.models import Country, ExpertName

    country = Country.objects.create(code="RU", name="Russia", name_zh="俄罗斯", region="Europe")
    expert = make_expert(country=country)
    ExpertName.objects.create(expert=expert, name="Other spelling")
    source = make_source()
    topic = make_topic()
    quotes = []

    def add(n):
        for _ in range(n):
            partner = make_expert(country=country)
            original = make_quote(speakers=[partner], sources=[source])
            quote = make_quote(
                speakers=[expert, partner], sources=[source, make_source()], original=original
            )
            quote.topics.add(topic)
            quotes.append(quote)
        return quotes

    urls = {
        "home": lambda: "/",
        "list": lambda: "/quotes/",
        "list-filtered": lambda: (
            f"/quotes/?country=RU&expert={expert.slug}&topic={topic.slug}"
            f"&outlet={source.outlet.slug}&q=Words&date_from=2026"
        ),
        "quote": lambda: quotes[0].get_absolute_url(),
        "experts": lambda: "/experts/",
        "expert": lambda: expert.get_absolute_url(),
        "countries": lambda: "/countries/",
        "country": lambda: country.get_absolute_url(),
        "organization": lambda: (
            quotes[0].speakers.first().affiliation.organization.get_absolute_url()
        ),
        "outlet": lambda: source.outlet.get_absolute_url(),
        "source": lambda: source.get_absolute_url(),
        "topic": lambda: topic.get_absolute_url(),
        "collection": lambda: make_collection(quotes=quotes).get_absolute_url(),
    }
    return add, urls
