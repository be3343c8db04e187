"""Structured metadata in page heads: schema.org JSON-LD, Highwire ``citation_*`` and
Dublin Core tags (what Zotero and Google Scholar read), and OpenGraph tags for sharing.

Built from rows the page has already loaded (``for_list()`` statements, the expert page's
prefetched roles, the collection page's sections), so the metadata costs no queries.

- A statement is a schema.org ``Quotation`` whatever its kind; a paraphrase says so in
  ``genre`` and in its description, so no reader of the metadata takes it for the
  speaker's words.
- Dates keep their precision: a statement of "February 2026" is ``2026-02`` in JSON-LD
  and ``2026/02`` in Highwire tags, never the 1st of the month.
- Permalinks are the language-neutral URLs (``/quotes/<id>/``), so both interfaces
  describe one work.
"""

import json

from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from ..dates import iso_partial_date
from ..links import permanent_url, web_url
from ..site import neutral_name
from .naming import headline, primary_citation

SCHEMA_CONTEXT = "https://schema.org"
DESCRIPTION_WORDS = 40
TITLE_CHARS = 100
# json.dumps output inside <script>: nothing can close the element or open a comment.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _compact(data):
    """``data`` without empty values, so the metadata never states a blank."""
    if isinstance(data, dict):
        kept = {k: _compact(v) for k, v in data.items()}
        return {k: v for k, v in kept.items() if v not in ("", None, [], {})}
    if isinstance(data, list):
        return [v for v in (_compact(v) for v in data) if v not in ("", None, [], {})]
    return data


def wikidata_url(record):
    return f"https://www.wikidata.org/wiki/{record.wikidata_id}" if record.wikidata_id else ""


def organization_ld(request, organization):
    if organization is None:
        return None
    return {
        "@type": "Organization",
        "name": organization.name,
        "alternateName": [n for n in (organization.name_zh, organization.short_name) if n],
        "url": permanent_url(request, organization),
        "sameAs": wikidata_url(organization),
    }


def person_ld(request, expert, role=None):
    """An expert as ``Person`` (or ``Organization`` when it speaks in its own voice);
    ``role`` is the affiliation held at the time of a statement."""
    kind = "Organization" if expert.kind == expert.Kind.ORGANIZATION else "Person"
    data = {
        "@type": kind,
        "@id": permanent_url(request, expert) + "#person",
        "name": expert.name,
        "alternateName": expert.name_zh,
        "url": permanent_url(request, expert),
        "sameAs": wikidata_url(expert),
    }
    if role is not None and kind == "Person":
        data["jobTitle"] = role.role
        data["affiliation"] = organization_ld(request, role.organization)
    return data


def source_ld(request, source):
    outlet = source.outlet
    return {
        "@type": "CreativeWork",
        "headline": source.title,
        "url": web_url(source.url) or permanent_url(request, source),
        "datePublished": iso_partial_date(source.published_on, source.date_precision),
        "inLanguage": source.language,
        "publisher": {"@type": "Organization", "name": outlet.name} if outlet else None,
        "archivedAt": web_url(source.archived_url),
    }


def _quotation(request, quote):
    return {"@type": "Quotation", "@id": permanent_url(request, quote)}


def quotation_ld(request, quote, collections=()):
    """A statement as a schema.org ``Quotation``."""
    first = primary_citation(quote)
    sources = {c.pk: source_ld(request, c.source) for c in quote.citations.all()}
    with translation.override("en"):
        kind = str(quote.get_kind_display())
    data = {
        "@context": SCHEMA_CONTEXT,
        "@type": "Quotation",
        "@id": permanent_url(request, quote),
        "url": permanent_url(request, quote),
        "text": quote.text,
        "genre": kind,
        "inLanguage": quote.language,
        "dateCreated": iso_partial_date(quote.said_on, quote.date_precision),
        "dateModified": quote.updated_at.isoformat(),
        "creator": [person_ld(request, s.expert, s.affiliation) for s in quote.speakers.all()],
        "isBasedOn": sources[first.pk] if first else None,
        "citation": list(sources.values()),
        "about": [{"@type": "Thing", "name": t.name} for t in quote.topics.all()],
        "translator": {"@type": "Person", "name": quote.translator} if quote.translator else None,
        "isPartOf": [
            {"@type": "Collection", "name": c.title, "url": permanent_url(request, c)}
            for c in collections
        ],
        "publisher": {"@type": "Organization", "name": neutral_name()},
    }
    if quote.original:  # prefetched published-only: None when unpublished
        data["translationOfWork"] = _quotation(request, quote.original)
    data["workTranslation"] = [_quotation(request, t) for t in quote.published_translations]
    return _compact(data)


def expert_ld(request, expert):
    """The expert page's ``Person`` with every dated role as an ``OrganizationRole``."""
    roles = list(expert.affiliations.all())
    data = person_ld(request, expert)
    data["@context"] = SCHEMA_CONTEXT
    data["alternateName"] = [
        n for n in (expert.name_zh, *(o.name for o in expert.other_names.all())) if n
    ]
    data["description"] = expert.bio
    data["nationality"] = (
        {"@type": "Country", "name": expert.country.name} if expert.country else None
    )
    data["jobTitle"] = list(dict.fromkeys(r.role for r in roles if r.is_current and r.role))
    data["affiliation"] = [
        {
            "@type": "OrganizationRole",
            "roleName": r.role,
            "startDate": r.start_date.isoformat() if r.start_date else "",
            "endDate": r.end_date.isoformat() if r.end_date else "",
            "affiliation": organization_ld(request, r.organization),
        }
        for r in roles
        if r.organization
    ]
    return _compact(data)


def collection_ld(request, collection):
    entries = [entry for s in collection.sections.all() for entry in s.entries.all()]
    return _compact(
        {
            "@context": SCHEMA_CONTEXT,
            "@type": "Collection",
            "@id": permanent_url(request, collection),
            "url": permanent_url(request, collection),
            "name": collection.title,
            "alternateName": collection.title_zh,
            "description": collection.description,
            "datePublished": iso_partial_date(collection.published_on, collection.date_precision),
            "creator": organization_ld(request, collection.compiler),
            "translator": (
                {"@type": "Person", "name": collection.translator}
                if collection.translator
                else None
            ),
            "isBasedOn": source_ld(request, collection.source) if collection.source else None,
            "hasPart": [_quotation(request, entry.quote) for entry in entries],
        }
    )


def json_ld(data):
    """``<script type="application/ld+json">`` with ``data``, safe inside HTML."""
    text = json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


def _meta(attribute, pairs):
    return format_html_join(
        "\n", "<meta " + attribute + '="{}" content="{}">', ((k, v) for k, v in pairs if v)
    )


def highwire_date(value, precision):
    return iso_partial_date(value, precision).replace("-", "/")


def quote_tags(request, quote):
    """Highwire and Dublin Core tags (Zotero's embedded-metadata reader), OpenGraph."""
    speakers = [s.expert for s in quote.speakers.all()]
    citation = primary_citation(quote)
    source = citation.source if citation else None
    outlet = source.outlet.name if source and source.outlet else ""
    with translation.override("en"):
        kind = str(quote.get_kind_display())
    title = headline(quote, TITLE_CHARS)
    description = f"{kind.capitalize()}: {Truncator(quote.text).words(DESCRIPTION_WORDS)}"
    date = highwire_date(quote.said_on, quote.date_precision)
    url = permanent_url(request, quote)
    pairs = [
        ("citation_title", title),
        *(("citation_author", e.sort_name or e.name) for e in speakers),
        ("citation_publication_date", date),
        ("citation_date", date),
        ("citation_language", quote.language),
        ("citation_publisher", outlet),
        ("citation_public_url", url),
        ("DC.title", title),
        *(("DC.creator", e.name) for e in speakers),
        ("DC.date", iso_partial_date(quote.said_on, quote.date_precision)),
        ("DC.language", quote.language),
        ("DC.publisher", outlet),
        ("DC.source", web_url(source.url) if source else ""),
        ("DC.type", kind),
        ("description", description),
    ]
    return format_html(
        "{}\n{}", _meta("name", pairs), open_graph(title, description, url, "article")
    )


def open_graph(title, description, url, kind):
    return _meta(
        "property",
        [
            ("og:title", title),
            ("og:description", description),
            ("og:url", url),
            ("og:type", kind),
            ("og:site_name", neutral_name()),
            ("og:locale", "zh_CN" if translation.get_language() == "zh-hans" else "en_US"),
        ],
    )


def canonical(url):
    return format_html('<link rel="canonical" href="{}">', url)
