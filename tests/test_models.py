"""Model constraints: each test fails if its constraint is removed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from commentary.dates import parse_partial_date
from commentary.models import (
    Affiliation,
    Citation,
    Collection,
    CollectionEntry,
    CollectionSection,
    Expert,
    Organization,
    Outlet,
    Quote,
    QuoteSpeaker,
    Topic,
)

pytestmark = pytest.mark.django_db


def integrity_error(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (Expert, {"name": "A"}),
        (Organization, {"name": "A"}),
        (Outlet, {"name": "A"}),
        (Topic, {"name": "A"}),
        (Collection, {"title": "A"}),
    ],
)
def test_slugs_are_unique(model, fields):
    model.objects.create(slug="same", **fields)
    integrity_error(lambda: model.objects.create(slug="same", **fields))


def test_affiliation_cannot_end_before_it_starts(make_expert):
    expert = make_expert()
    integrity_error(
        lambda: Affiliation.objects.create(
            expert=expert,
            role="Minister",
            start_date=datetime.date(2024, 1, 1),
            end_date=datetime.date(2023, 12, 31),
        )
    )


def test_affiliation_may_end_on_the_day_it_starts(make_expert):
    day = datetime.date(2024, 1, 1)
    Affiliation.objects.create(expert=make_expert(), role="Acting", start_date=day, end_date=day)


def test_quote_is_not_its_own_original(make_quote):
    quote = make_quote()
    quote.original = quote
    integrity_error(lambda: quote.save())


def test_quote_clean_explains_own_original(make_quote):
    quote = make_quote()
    quote.original = quote
    with pytest.raises(ValidationError, match="translation of itself"):
        quote.full_clean()


def test_quote_kind_is_a_closed_set(make_quote):
    quote = make_quote()
    integrity_error(lambda: Quote.objects.filter(pk=quote.pk).update(kind="rumour"))


def test_date_precision_is_a_closed_set(make_quote):
    quote = make_quote()
    integrity_error(lambda: Quote.objects.filter(pk=quote.pk).update(date_precision="week"))


def test_speaker_positions_are_unique_within_a_quote(make_quote, make_expert):
    quote = make_quote()  # its speaker has position 1
    integrity_error(
        lambda: QuoteSpeaker.objects.create(quote=quote, expert=make_expert(), position=1)
    )


def test_an_expert_speaks_once_per_quote(make_quote, make_expert):
    expert = make_expert()
    quote = make_quote(speakers=[expert])
    integrity_error(lambda: QuoteSpeaker.objects.create(quote=quote, expert=expert, position=2))


def test_citation_positions_are_unique_within_a_quote(make_quote, make_source):
    quote = make_quote()  # its citation has position 1
    integrity_error(lambda: Citation.objects.create(quote=quote, source=make_source(), position=1))


def test_section_positions_are_unique_within_a_collection(make_collection):
    collection = make_collection()  # one section, position 1
    integrity_error(
        lambda: CollectionSection.objects.create(
            collection=collection, title="Again", slug="again", position=1
        )
    )


def test_entry_positions_are_unique_within_a_section(make_collection, make_quote):
    collection = make_collection(quotes=[make_quote()])
    section = collection.sections.get()
    integrity_error(
        lambda: CollectionEntry.objects.create(section=section, quote=make_quote(), position=1)
    )


def test_organization_is_not_its_own_parent():
    org = Organization.objects.create(name="A", slug="a")
    org.parent = org
    integrity_error(lambda: org.save())


def test_topic_is_not_its_own_parent():
    topic = Topic.objects.create(name="A", slug="a")
    topic.parent = topic
    integrity_error(lambda: topic.save())


def test_speaker_role_must_belong_to_the_speaker(make_expert, make_quote):
    quote = make_quote()
    other = Affiliation.objects.create(expert=make_expert(), role="Someone else's role")
    speaker = quote.speakers.get()
    speaker.affiliation = other
    with pytest.raises(ValidationError, match="another expert"):
        speaker.full_clean()


def test_month_precision_is_stored_as_the_first_of_the_month(make_quote):
    quote = make_quote(said_on=datetime.date(2026, 2, 17), date_precision="month")
    quote.refresh_from_db()
    assert quote.said_on == datetime.date(2026, 2, 1)


@pytest.mark.parametrize(
    ("precision", "english", "chinese"),
    [
        ("month", "February 2026", "2026年2月"),
        ("year", "2026", "2026年"),
        ("day", "Feb. 4, 2026", "2026年2月4日"),
    ],
)
def test_partial_dates_display_at_their_precision(make_quote, precision, english, chinese):
    quote = make_quote(said_on=datetime.date(2026, 2, 4), date_precision=precision)
    with translation.override("en"):
        assert quote.display_date == english
    with translation.override("zh-hans"):
        assert quote.display_date == chinese


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026", (datetime.date(2026, 1, 1), "year")),
        ("2026-02", (datetime.date(2026, 2, 1), "month")),
        ("2026-02-04", (datetime.date(2026, 2, 4), "day")),
    ],
)
def test_parse_partial_date(text, expected):
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize("text", ["", "26", "2026-13", "2026-02-30", "2026/02", "x2026"])
def test_parse_partial_date_rejects_malformed(text):
    with pytest.raises(ValueError):
        parse_partial_date(text)


def test_affiliations_on_a_date(make_expert):
    expert = make_expert()
    old = Affiliation.objects.create(
        expert=expert,
        role="Deputy",
        start_date=datetime.date(2010, 1, 1),
        end_date=datetime.date(2015, 1, 1),
    )
    new = Affiliation.objects.create(
        expert=expert, role="Chair", start_date=datetime.date(2015, 1, 2)
    )
    assert list(Affiliation.objects.on_date(datetime.date(2012, 6, 1))) == [old]
    assert list(Affiliation.objects.on_date(datetime.date(2020, 6, 1))) == [new]


def test_published_excludes_drafts_review_and_withdrawn(make_quote):
    shown = make_quote(status="published")
    for status in ("draft", "review", "withdrawn"):
        make_quote(status=status)
    assert list(Quote.objects.published()) == [shown]


def test_published_helper_uses_the_published_status():
    from django.db.models import Q

    from commentary.choices import Status
    from commentary.querysets import published_rows

    assert published_rows() == Q(status=Status.PUBLISHED)
    assert published_rows("quote__") == Q(quote__status=Status.PUBLISHED)


def test_the_years_of_all_statements_are_found_by_probes_as_django_finds_them(make_quote):
    """``Quote.objects.dates("said_on", "year")`` (the admin's year links) gives what
    Django's DISTINCT gives, gaps and undated statements included; filtered sets too."""
    for day in (datetime.date(1999, 5, 1), datetime.date(2003, 1, 1), datetime.date(2003, 12, 31)):
        make_quote(said_on=day, status="draft")
    make_quote(said_on=None)
    probed = list(Quote.objects.dates("said_on", "year"))
    assert probed == [datetime.date(1999, 1, 1), datetime.date(2003, 1, 1)]
    assert list(Quote.objects.dates("said_on", "year", order="DESC")) == probed[::-1]
    distinct = list(Quote.objects.filter(pk__gt=0).dates("said_on", "year"))  # Django's own
    assert distinct == probed
    assert list(Quote.objects.filter(status="published").dates("said_on", "year")) == []
    assert list(Quote.objects.dates("said_on", "month")) == [
        datetime.date(1999, 5, 1),
        datetime.date(2003, 1, 1),
        datetime.date(2003, 12, 1),
    ]
