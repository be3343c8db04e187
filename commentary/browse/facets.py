"""Facet counts beside the statement list.

Each facet counts the rows selected by every filter except its own (so choosing Russia
still shows how many statements the other countries have): the ids are fetched once (once
more per active facet filter), then one query per facet (two for countries), whatever the
number of rows or values. Every value is
a link that adds (or, when already chosen, removes) that filter; the page number is
dropped, since the result set changes.

A set of more than ``FACET_SAMPLE`` rows (the whole archive, a common word) is counted
over its newest ``FACET_SAMPLE`` rows, the page says so, and the result is cached under
the archive's generation (``caching.generation``), which every change moves on: exact
counts over a million rows would cost seconds per request.

After a change, the first request for such a list does not wait for the recount (up to a
second or two at a million statements): it is answered with the facets counted before
the change while one background thread, across every process, counts them again, and
that answer is not stored in the page cache. Requests inside a transaction (a test's, a
shell's) count in place, since another connection would not see what they see.
"""

import datetime
import logging
import threading
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection, connections
from django.db.models import Count
from django.utils import translation
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from ..caching import generation, tolerant
from ..choices import DatePrecision
from ..dates import format_partial_date
from ..links import query_url
from ..models import Country, Quote, QuoteSpeaker, prefers_chinese
from .selection import chosen_countries

# Above this many rows a listing's facets count a sample: the newest FACET_SAMPLE rows.
FACET_SAMPLE = 10_000
FACET_CACHE_SECONDS = 600
# At most this long one background recount holds the right to recount a listing's facets.
REFRESH_SECONDS = 60

logger = logging.getLogger(__name__)


@dataclass
class FacetValue:
    label: str
    count: int
    url: str
    selected: bool = False
    value: str = ""
    children: list = field(default_factory=list)


@dataclass
class Facet:
    name: str
    label: str
    values: list


def _localised(name, name_zh):
    return name_zh if name_zh and prefers_chinese() else name


class FacetRows:
    """The statements the facets count: those every valid filter selects but the facet's
    own, all of them or the newest ``FACET_SAMPLE`` when there are more (then ``sampled``
    is set). Fetched once per set of filters left out, with the columns the kind, language
    and date facets count (so those three are counted here, without a query each), and so
    the facets don't each run the filters (a text search, say) again."""

    COLUMNS = ("pk", "kind", "language", "said_on", "date_precision")

    def __init__(self, filterset):
        self.filterset, self.rows, self.sampled = filterset, {}, False

    def excluding(self, *names):
        """``[(pk, kind, language, said_on, date_precision)]`` of the rows selected by every
        filter but ``names``."""
        data = self.filterset.form.cleaned_data
        # Leaving out a filter that isn't in use selects the same rows.
        key = frozenset(name for name in names if data.get(name) not in (None, "", [], ()))
        if key not in self.rows:
            rows = self.filterset.filtered(exclude=key).newest_first()
            self.rows[key] = list(rows.values_list(*self.COLUMNS)[:FACET_SAMPLE])
            self.sampled |= len(self.rows[key]) == FACET_SAMPLE
        return self.rows[key]

    def ids(self, *names):
        return [row[0] for row in self.excluding(*names)]


def country_facet(filterset, params, rows):
    """Countries of the speakers: counted here, since a joint statement with two speakers
    of one country counts once (a GROUP BY with COUNT(DISTINCT) over a join was slow)."""
    chosen = chosen_countries(filterset)
    pairs = set(
        QuoteSpeaker.objects.filter(
            quote__in=rows.ids("country"), expert__country__isnull=False
        ).values_list("quote", "expert__country")
    )
    counts = Counter(country for _quote, country in pairs)
    countries = sorted(
        Country.objects.filter(code__in=counts), key=lambda c: (-counts[c.code], c.name)
    )
    values = []
    for country in countries:
        selected = country.code in chosen
        toggled = [c for c in chosen if c != country.code] if selected else [*chosen, country.code]
        values.append(
            FacetValue(
                label=country.display_name,
                count=counts[country.code],
                url=query_url(params, country=toggled),
                selected=selected,
                value=country.code,
            )
        )
    return Facet("country", _("Speaker's country"), values)


def _choice_facet(params, rows, name, label, choices):
    labels = dict(choices)
    current = params.get(name)
    column = FacetRows.COLUMNS.index(name)
    counts = Counter(row[column] for row in rows.excluding(name))
    values = [
        FacetValue(
            label=capfirst(labels.get(value, value)),
            count=count,
            url=query_url(params, **{name: None if value == current else value}),
            selected=value == current,
            value=value,
        )
        for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    return Facet(name, label, values)


def kind_facet(filterset, params, rows):
    return _choice_facet(params, rows, "kind", _("Quote or paraphrase"), Quote.Kind.choices)


def language_facet(filterset, params, rows):
    return _choice_facet(params, rows, "language", _("Language"), Quote.Language.choices)


def topic_facet(filterset, params, rows):
    through = Quote.topics.through
    current = params.get("topic")
    rows = (
        through.objects.filter(quote__in=rows.ids("topic"))
        .values("topic__slug", "topic__name", "topic__name_zh")
        .annotate(n=Count("quote"))
        .order_by("-n", "topic__name")
    )
    values = [
        FacetValue(
            label=_localised(row["topic__name"], row["topic__name_zh"]),
            count=row["n"],
            url=query_url(
                params, topic=None if row["topic__slug"] == current else row["topic__slug"]
            ),
            selected=row["topic__slug"] == current,
            value=row["topic__slug"],
        )
        for row in rows
    ]
    return Facet("topic", _("Topic"), values)


def date_facet(filterset, params, rows):
    """Years, newest first, each with its months (statements dated only to a year count
    towards the year alone). A year or a month is chosen by setting both ends of the range.
    """
    counts = Counter(
        (said_on.year, 0 if precision == DatePrecision.YEAR else said_on.month)
        for _pk, _kind, _language, said_on, precision in rows.excluding("date_from", "date_to")
        if said_on is not None
    )
    current = (params.get("date_from"), params.get("date_to"))
    years = {}
    for (year, month), count in sorted(counts.items(), key=lambda item: (-item[0][0], item[0][1])):
        if year not in years:
            value = f"{year:04d}"
            years[year] = FacetValue(
                label=format_partial_date(datetime.date(year, 1, 1), DatePrecision.YEAR),
                count=0,
                url=_range_url(params, value, current),
                selected=current == (value, value),
            )
        years[year].count += count
        if month:
            value = f"{year:04d}-{month:02d}"
            years[year].children.append(
                FacetValue(
                    # Translators: PHP-style format of a month in a year list ("February", "2月").
                    label=date_format(
                        datetime.date(year, month, 1), pgettext("month in a year list", "F")
                    ),
                    count=count,
                    url=_range_url(params, value, current),
                    selected=current == (value, value),
                )
            )
    return Facet("date", _("Date"), list(years.values()))


def _range_url(params, value, current):
    if current == (value, value):
        return query_url(params, date_from=None, date_to=None)
    return query_url(params, date_from=value, date_to=value)


FACETS = {
    "country": country_facet,
    "kind": kind_facet,
    "language": language_facet,
    "topic": topic_facet,
    "date_from": date_facet,
}


def statement_facets(filterset, params):
    """(facets, sampled) for a valid filterset, skipping the facets whose filter the page
    has removed; ``sampled`` when some facet counted only the newest ``FACET_SAMPLE`` rows."""
    rows = FacetRows(filterset)
    facets = [
        facet(filterset, params, rows)
        for name, facet in FACETS.items()
        if name in filterset.filters
    ]
    return facets, rows.sampled


def cached_facets(key, compute, stale=None):
    """``compute()``, cached for ``FACET_CACHE_SECONDS`` under ``key`` with the archive's
    generation it was counted at (which every change moves on). When the generation has
    moved on since, the facets counted before are returned at once while a background
    thread counts them again (``stale()`` is called: the answer should not be stored),
    except inside a transaction. Counted afresh when the cache cannot be reached."""
    current = generation.current()
    if current is None:
        return _as_text(*compute())
    entry = tolerant.get(f"facets:{key}")
    if entry is not None and entry[0] == current:
        return entry[1]
    if entry is not None and not connection.in_atomic_block:
        _refresh_in_background(key, compute)
        if stale is not None:
            stale()
        return entry[1]
    facets = _as_text(*compute())
    tolerant.set(f"facets:{key}", (current, facets), FACET_CACHE_SECONDS)
    return facets


def _refresh_in_background(key, compute):
    """Count ``key``'s facets again in a thread, unless some process already does."""
    lock = f"facets-refresh:{key}"
    if not tolerant.add(lock, 1, REFRESH_SECONDS):
        return
    language = translation.get_language()

    def refresh():
        try:
            with translation.override(language):
                current = generation.current()  # read before counting, as a request does
                facets = _as_text(*compute())
                tolerant.set(f"facets:{key}", (current, facets), FACET_CACHE_SECONDS)
        except Exception:
            logger.exception("background recount of facets failed")
        finally:
            tolerant.delete(lock)
            connections.close_all()  # this thread's own connections

    threading.Thread(target=refresh, name="facets-refresh", daemon=True).start()


def _as_text(facets, sampled):
    """``statement_facets()`` with lazy labels turned into text (in the active language),
    so they can be stored in a cache."""
    for facet in facets:
        facet.label = str(facet.label)
        for value in facet.values:
            value.label = str(value.label)
            for child in value.children:
                child.label = str(child.label)
    return facets, sampled
