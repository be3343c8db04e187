"""Stored counts stay equal to live counts, whatever editors do (counting/)."""

import io
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commentary.counting import stored
from commentary.editorial.merge import merge_experts
from commentary.models import (
    Citation,
    Collection,
    CollectionEntry,
    Country,
    Expert,
    Quote,
    QuoteSpeaker,
    Topic,
    Total,
)

pytestmark = pytest.mark.django_db
QUIET = io.StringIO()


def next_position(rows):
    return max((row.position for row in rows), default=0) + 1


def check():
    """``manage.py recount --check``: raises CommandError listing any difference."""
    call_command("recount", check=True, stdout=io.StringIO())


def test_random_edits_publishes_withdrawals_merges_and_deletes_keep_every_count(
    make_quote, make_expert, make_source, make_collection
):
    rng = random.Random(2026)  # noqa: S311
    countries = list(Country.objects.filter(code__in=["RU", "US", "CN", "FR"]))
    if len(countries) < 4:
        countries = [
            Country.objects.get_or_create(code=code, defaults={"name": code})[0]
            for code in ("RU", "US", "CN", "FR")
        ]
    experts = [make_expert(country=rng.choice(countries)) for _ in range(8)]
    sources = [make_source() for _ in range(5)]
    topics = [Topic.objects.create(name=f"Topic {n}", slug=f"topic-{n}") for n in range(4)]
    quotes = [
        make_quote(
            speakers=rng.sample(experts, rng.randint(1, 2)),
            sources=rng.sample(sources, rng.randint(1, 2)),
            status=rng.choice(["draft", "review", "published", "published"]),
        )
        for _ in range(12)
    ]
    collection = make_collection(quotes=quotes[:4], sections=2)
    check()
    assert Total.objects.get(name="statements").value == Quote.objects.published().count()

    def live_quotes():
        return list(Quote.objects.all())

    def publish():
        quote = rng.choice(live_quotes())
        quote.status = rng.choice(["published", "withdrawn", "draft", "review"])
        quote.save()

    def move_speaker():
        row = rng.choice(list(QuoteSpeaker.objects.all()))
        taken = set(QuoteSpeaker.objects.filter(quote=row.quote).values_list("expert", flat=True))
        free = [e for e in Expert.objects.all() if e.pk not in taken]
        if free:
            row.expert = rng.choice(free)
            row.affiliation = None
            row.save()

    def add_or_remove_speaker():
        quote = rng.choice(live_quotes())
        rows = list(quote.speakers.all())
        if len(rows) > 1 and rng.random() < 0.5:
            rng.choice(rows).delete()
        else:
            taken = {row.expert_id for row in rows}
            free = [e for e in Expert.objects.all() if e.pk not in taken]
            if free:
                QuoteSpeaker.objects.create(
                    quote=quote, expert=rng.choice(free), position=next_position(rows)
                )

    def retag():
        quote = rng.choice(live_quotes())
        action = rng.choice(["add", "remove", "clear", "set", "reverse"])
        if action == "add":
            quote.topics.add(rng.choice(topics))
        elif action == "remove":
            quote.topics.remove(*quote.topics.all()[:1])
        elif action == "clear":
            quote.topics.clear()
        elif action == "set":
            quote.topics.set(rng.sample(topics, 2))
        else:
            rng.choice(topics).quotes.add(quote)

    def recite():
        quote = rng.choice(live_quotes())
        rows = list(quote.citations.all())
        if len(rows) > 1 and rng.random() < 0.5:
            rng.choice(rows).delete()
        else:
            cited = {row.source_id for row in rows}
            free = [s for s in sources if s.pk not in cited]
            if free:
                Citation.objects.create(
                    quote=quote, source=rng.choice(free), position=next_position(rows)
                )

    def collect():
        entries = list(CollectionEntry.objects.all())
        if entries and rng.random() < 0.4:
            rng.choice(entries).delete()
            return
        section = rng.choice(list(collection.sections.all()))
        rows = list(section.entries.all())
        in_section = {row.quote_id for row in rows}
        free = [q for q in live_quotes() if q.pk not in in_section]
        if free:
            CollectionEntry.objects.create(
                section=section, quote=rng.choice(free), position=next_position(rows)
            )

    def move_country():
        expert = rng.choice(list(Expert.objects.all()))
        expert.country = rng.choice([*countries, None])
        expert.save()

    def merge():
        pool = list(Expert.objects.all())
        if len(pool) > 3:
            survivor, duplicate = rng.sample(pool, 2)
            merge_experts(survivor, [duplicate])

    def delete_quote():
        quote = rng.choice(live_quotes())
        if not quote.collection_entries.exists() and len(live_quotes()) > 4:
            quote.delete()

    def new_quote():
        make_quote(
            speakers=rng.sample(list(Expert.objects.all()), 1),
            sources=[rng.choice(sources)],
            status=rng.choice(["draft", "published"]),
        )

    operations = [
        publish,
        publish,
        move_speaker,
        add_or_remove_speaker,
        retag,
        recite,
        collect,
        move_country,
        merge,
        delete_quote,
        new_quote,
    ]
    done = []
    for step in range(120):
        operation = rng.choice(operations)
        operation()
        done.append(operation.__name__)
        if step % 20 == 19:
            check()
    check()
    assert set(done) == {op.__name__ for op in operations}
    # The stored counts are not all zero: the run left published statements counted.
    assert Expert.objects.filter(statement_count__gt=0).exists()
    assert Total.objects.get(name="statements").value > 0


def test_recount_check_reports_a_wrong_count_and_recount_fixes_it(make_quote):
    quote = make_quote()
    expert = quote.speakers.get().expert
    assert Expert.objects.get(pk=expert.pk).statement_count == 1
    Expert.objects.filter(pk=expert.pk).update(statement_count=7)  # skips the receivers
    with pytest.raises(CommandError, match="1 stored counts differ"):
        check()
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("recount", check=True, stdout=out)
    assert f"commentary.Expert.statement_count {expert.pk}: stored 7, live 1" in out.getvalue()
    call_command("recount", stdout=QUIET)
    check()
    assert Expert.objects.get(pk=expert.pk).statement_count == 1


def test_the_seed_loads_with_every_count_stored():
    call_command("load_seed", verbosity=0)
    check()
    totals = stored.totals()
    assert totals["statements"] == Quote.objects.published().count() > 50
    assert Collection.objects.filter(statement_count__gt=0).count() == 2
    call_command("load_seed", verbosity=0)  # loading again rewrites the rows: still right
    check()
