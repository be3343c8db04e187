import datetime
import itertools

import pytest
from django.core.management import call_command

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

_counter = itertools.count(1)


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
