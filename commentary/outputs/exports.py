"""Exports of any statement list: CSV, JSON and JSON Lines of exactly what its filters select.

``/quotes/export.csv?<the list's query string>`` answers every matching published
statement, not just a page, in the list's order. Rows are streamed a batch at a time
(``streaming.id_batches``), so memory stays constant for a million rows.

- **JSON Lines** (``.jsonl``): one statement per line, nested as in ``records()``.
- **JSON** (``.json``): the same records as one array.
- **CSV** (``.csv``): one row per statement, the columns of ``CSV_COLUMNS``; several
  speakers or sources in one cell are separated by `` | ``. UTF-8 with a byte-order mark,
  so that spreadsheet programs open Chinese text correctly.

The columns and fields are documented in the README ("Exports").
"""

import csv
import json
from collections import defaultdict

from django.http import StreamingHttpResponse
from django.views.decorators.http import require_safe

from ..browse.selection import invalid_filters_response, selected_statements
from ..dates import iso_partial_date
from ..links import URLTemplate
from ..models import Citation, Quote, QuoteSpeaker
from .streaming import id_batches

JOINER = " | "


SPEAKER_FIELDS = {
    "slug": "expert__slug",
    "name": "expert__name",
    "name_zh": "expert__name_zh",
    "kind": "expert__kind",
    "country": "expert__country_id",
    "role": "affiliation__role",
    "role_zh": "affiliation__role_zh",
    "organization": "affiliation__organization__name",
    "organization_slug": "affiliation__organization__slug",
    "former_role": "affiliation__is_former",
}
CITATION_FIELDS = {
    "role": "role",
    "locator": "locator",
    "source_id": "source_id",
    "title": "source__title",
    "kind": "source__kind",
    "outlet": "source__outlet__name",
    "outlet_slug": "source__outlet__slug",
    "published_on": "source__published_on",
    "date_precision": "source__date_precision",
    "url": "source__url",
    "archived_url": "source__archived_url",
    "archived_on": "source__archived_on",
    "link_status": "source__link_status",
}
QUOTE_FIELDS = [
    "pk",
    "text",
    "language",
    "kind",
    "said_on",
    "date_precision",
    "original_id",
    "translator",
    "context",
    "updated_at",
]


def _grouped(rows, fields):
    """``{quote id: [row as a dict with our names, ...]}`` in the rows' order."""
    grouped = defaultdict(list)
    for row in rows.values("quote_id", *fields.values()):
        grouped[row["quote_id"]].append({name: row[path] for name, path in fields.items()})
    return grouped


def _blank(value):
    return "" if value is None else value


def _inherit_credits(quotes, speakers, citations):
    """A translation without speakers or sources of its own shows its published original's
    (as ``QuoteQuerySet.for_list()`` does for pages); two more queries only when needed."""
    lacking = {
        pk: row["original_id"]
        for pk, row in quotes.items()
        if row["original_id"] and not (speakers.get(pk) and citations.get(pk))
    }
    if not lacking:
        return
    originals = list(
        Quote.objects.published().filter(pk__in=set(lacking.values())).values_list("pk", flat=True)
    )
    if not originals:
        return
    their_speakers = _grouped(
        QuoteSpeaker.objects.filter(quote__in=originals).order_by("quote", "position"),
        SPEAKER_FIELDS,
    )
    their_citations = _grouped(
        Citation.objects.filter(quote__in=originals).order_by("quote", "position"),
        CITATION_FIELDS,
    )
    for pk, original in lacking.items():
        speakers[pk] = speakers.get(pk) or their_speakers.get(original, [])
        citations[pk] = citations.get(pk) or their_citations.get(original, [])


def _chunk_records(ids, urls):
    """The records of the statements ``ids``, in that order, in six queries whatever their
    number: plain rows (``values()``), no model instances, so a million go by in minutes."""
    # published() again: a statement withdrawn while the export runs is left out.
    quotes = {
        row["pk"]: row for row in Quote.objects.published().filter(pk__in=ids).values(*QUOTE_FIELDS)
    }
    speakers = _grouped(
        QuoteSpeaker.objects.filter(quote__in=ids).order_by("quote", "position"), SPEAKER_FIELDS
    )
    citations = _grouped(
        Citation.objects.filter(quote__in=ids).order_by("quote", "position"), CITATION_FIELDS
    )
    _inherit_credits(quotes, speakers, citations)
    topics = defaultdict(list)
    for quote_id, slug in (
        Quote.topics.through.objects.filter(quote__in=ids)
        .order_by("topic__name", "topic")
        .values_list("quote_id", "topic__slug")
    ):
        topics[quote_id].append(slug)
    translations = defaultdict(list)
    for original, pk in (
        Quote.objects.published()
        .filter(original__in=ids)
        .order_by("pk")
        .values_list("original_id", "pk")
    ):
        translations[original].append(pk)
    originals = {q["original_id"] for q in quotes.values() if q["original_id"]}
    published_originals = set(
        Quote.objects.published().filter(pk__in=originals).values_list("pk", flat=True)
    )
    for pk in ids:
        if pk not in quotes:
            continue
        quote = quotes[pk]
        for speaker in speakers[pk]:
            speaker["url"] = urls["expert"](speaker["slug"])
            speaker["former_role"] = bool(speaker["former_role"])
            for name in ("role", "role_zh", "organization", "organization_slug"):
                speaker[name] = _blank(speaker[name])
        for citation in citations[pk]:
            citation["published_on"] = iso_partial_date(
                citation["published_on"], citation.pop("date_precision")
            )
            citation["archived_on"] = (
                citation["archived_on"].isoformat() if citation["archived_on"] else ""
            )
            citation["outlet"] = _blank(citation["outlet"])
            citation["outlet_slug"] = _blank(citation["outlet_slug"])
        original = quote["original_id"]
        yield {
            "id": pk,
            "url": urls["quote"](pk),
            "text": quote["text"],
            "language": quote["language"],
            "kind": quote["kind"],
            "said_on": iso_partial_date(quote["said_on"], quote["date_precision"]),
            "date_precision": quote["date_precision"] if quote["said_on"] else "",
            "speakers": speakers[pk],
            "citations": citations[pk],
            "topics": topics[pk],
            "original": original if original in published_originals else None,
            "translations": translations[pk],
            "translator": quote["translator"],
            "context": quote["context"],
            "updated_at": quote["updated_at"].isoformat(),
        }


def records(request, rows):
    """Every statement of ``rows`` as plain data, in order: the ids come through one cursor,
    the rest a batch of ids at a time."""
    urls = {
        "quote": URLTemplate(request, "commentary:quote-detail"),
        "expert": URLTemplate(request, "commentary:expert-detail"),
    }
    for ids in id_batches(rows):
        yield from _chunk_records(ids, urls)


def _speaker_column(key):
    return lambda r: JOINER.join(str(s[key]) for s in r["speakers"])


def _citation_column(key):
    return lambda r: JOINER.join(str(c[key]) for c in r["citations"])


# (column, value from a record): one row per statement.
CSV_COLUMNS = [
    ("id", lambda r: r["id"]),
    ("url", lambda r: r["url"]),
    ("text", lambda r: r["text"]),
    ("language", lambda r: r["language"]),
    ("kind", lambda r: r["kind"]),
    ("said_on", lambda r: r["said_on"]),
    ("date_precision", lambda r: r["date_precision"]),
    ("speakers", _speaker_column("name")),
    ("speakers_zh", _speaker_column("name_zh")),
    ("speaker_slugs", _speaker_column("slug")),
    ("speaker_countries", _speaker_column("country")),
    ("roles_at_the_time", _speaker_column("role")),
    ("organizations", _speaker_column("organization")),
    ("outlets", _citation_column("outlet")),
    ("source_titles", _citation_column("title")),
    ("source_dates", _citation_column("published_on")),
    ("source_urls", _citation_column("url")),
    ("archived_urls", _citation_column("archived_url")),
    ("topics", lambda r: JOINER.join(r["topics"])),
    ("original", lambda r: r["original"] or ""),
    ("translator", lambda r: r["translator"]),
    ("context", lambda r: r["context"]),
    ("updated_at", lambda r: r["updated_at"]),
]


class _Line:
    """A file-like object for ``csv.writer`` that hands back each written row."""

    def write(self, value):
        return value


# A cell starting with one of these is a formula to a spreadsheet program.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """The value as a CSV cell a spreadsheet shows as text: a leading apostrophe keeps
    "=HYPERLINK(…)" in a statement from running as a formula (OWASP's advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv(records):
    writer = csv.writer(_Line())
    yield "\ufeff"  # the byte-order mark: spreadsheet programs then read UTF-8
    yield writer.writerow([name for name, _value in CSV_COLUMNS])
    for r in records:
        yield writer.writerow([_cell(value(r)) for _name, value in CSV_COLUMNS])


def _dumps(data):
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _json_lines(records):
    for r in records:
        yield _dumps(r) + "\n"


def _json_array(records):
    yield "["
    for number, r in enumerate(records):
        yield ("," if number else "") + "\n" + _dumps(r)
    yield "\n]\n"


FORMATS = {
    "csv": (_csv, "text/csv; charset=utf-8"),
    "json": (_json_array, "application/json"),
    "jsonl": (_json_lines, "application/jsonl; charset=utf-8"),
}


@require_safe
def quote_export(request, fmt):
    """Every published statement the list's filters select, in the list's order."""
    filterset, rows = selected_statements(request.GET, request=request)
    if rows is None:
        return invalid_filters_response(filterset)
    write, content_type = FORMATS[fmt]
    response = StreamingHttpResponse(write(records(request, rows)), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="statements.{fmt}"'
    return response
