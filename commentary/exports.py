"""Exports of any statement list: CSV, JSON and JSON Lines of exactly what its filters select.

``/quotes/export.csv?<the list's query string>`` answers every matching published
statement, not just a page, in the list's order. Rows are streamed in chunks
(``streaming.in_chunks``), so memory stays constant for a million rows.

- **JSON Lines** (``.jsonl``): one statement per line, nested as in ``record()``.
- **JSON** (``.json``): the same records as one array.
- **CSV** (``.csv``): one row per statement, the columns of ``CSV_COLUMNS``; several
  speakers or sources in one cell are separated by `` | ``. UTF-8 with a byte-order mark,
  so that spreadsheet programs open Chinese text correctly.

The columns and fields are documented in the README ("Exports").
"""

import csv
import json

from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from .dates import iso_partial_date
from .listing import filter_errors, selected_statements
from .streaming import in_chunks

JOINER = " | "


def _absolute(request, url):
    return request.build_absolute_uri(url)


def permalink(request, quote):
    """The statement's permanent URL, without a language prefix."""
    with translation.override("en"):
        return _absolute(request, reverse("commentary:quote-detail", args=[quote.pk]))


def _speaker(request, speaker):
    expert = speaker.expert
    role = speaker.affiliation
    organization = role.organization if role else None
    with translation.override("en"):
        url = _absolute(request, expert.get_absolute_url())
    return {
        "slug": expert.slug,
        "name": expert.name,
        "name_zh": expert.name_zh,
        "kind": expert.kind,
        "country": expert.country_id,
        "url": url,
        "role": role.role if role else "",
        "role_zh": role.role_zh if role else "",
        "organization": organization.name if organization else "",
        "organization_slug": organization.slug if organization else "",
        "former_role": role.is_former if role else False,
    }


def _citation(citation):
    source = citation.source
    outlet = source.outlet
    return {
        "role": citation.role,
        "locator": citation.locator,
        "source_id": source.pk,
        "title": source.title,
        "kind": source.kind,
        "outlet": outlet.name if outlet else "",
        "outlet_slug": outlet.slug if outlet else "",
        "published_on": iso_partial_date(source.published_on, source.date_precision),
        "url": source.url,
        "archived_url": source.archived_url,
        "archived_on": source.archived_on.isoformat() if source.archived_on else "",
        "link_status": source.link_status,
    }


def record(request, quote):
    """One statement as plain data (a ``for_list()`` row: no queries of its own)."""
    original = quote.original  # prefetched published-only: None when unpublished
    return {
        "id": quote.pk,
        "url": permalink(request, quote),
        "text": quote.text,
        "language": quote.language,
        "kind": quote.kind,
        "said_on": iso_partial_date(quote.said_on, quote.date_precision),
        "date_precision": quote.date_precision if quote.said_on else "",
        "speakers": [_speaker(request, s) for s in quote.speakers.all()],
        "citations": [_citation(c) for c in quote.citations.all()],
        "topics": [topic.slug for topic in quote.topics.all()],
        "original": original.pk if original else None,
        "translations": [t.pk for t in quote.published_translations],
        "translator": quote.translator,
        "context": quote.context,
        "updated_at": quote.updated_at.isoformat(),
    }


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


def _csv(records):
    writer = csv.writer(_Line())
    yield "\ufeff"  # the byte-order mark: spreadsheet programs then read UTF-8
    yield writer.writerow([name for name, _value in CSV_COLUMNS])
    for r in records:
        yield writer.writerow([value(r) for _name, value in CSV_COLUMNS])


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
        return HttpResponse(
            _dumps({"errors": filter_errors(filterset)}),
            status=400,
            content_type="application/json",
        )
    write, content_type = FORMATS[fmt]
    records = (record(request, quote) for quote in in_chunks(rows.for_list()))
    response = StreamingHttpResponse(write(records), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="statements.{fmt}"'
    return response
