"""How a statement is cited: a formatted citation to copy, and files for reference managers.

Every format says the same things, gathered once by ``_parts``: who spoke, each in the role
held at the time (a joint statement names every speaker, in order); the words, or that they
are a paraphrase (a partial quote is marked); the outlet and the source's title; the date at
its precision ("February 2026", never 1 February); the source's URL and its archived copy;
this archive's permalink and the day it was accessed; the language, and for a translation
its translator and original.

- ``plain_text``: one paragraph in the conventions of the active language (on the Chinese
  interface: Chinese punctuation, and Chinese names, roles and outlets where the data has
  them). ``plain_texts`` gives the statement page both the English and the Chinese one.
- ``download``: CSL-JSON (for citeproc, Zotero, pandoc), BibTeX (written by pybtex) and RIS
  (written by rispy), one entry per statement, streamed piece by piece for a whole list.
  They follow the active language too: ``/zh-hans/quotes/1/cite.bib`` names 张三 where
  ``/quotes/1/cite.bib`` names "Zhang, San".

Names: a person whose sort name reads "Family, Given" is split there. An organisation, a
name without that comma, and a name in Chinese characters are one literal name (CSL
``literal``, a braced BibTeX name, an RIS name without a comma), so that no style abbreviates
it into broken initials (APA turns ``{"family": "张", "given": "三"}`` into "张, . 三 .").
"""

import datetime
import json
import re
from dataclasses import dataclass, field

import rispy
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.output import bibtex as pybtex_bibtex

from .. import site
from ..choices import DatePrecision
from ..dates import format_partial_date, iso_partial_date
from ..links import permanent_url, web_url
from ..models import Expert, Outlet, Quote, Source, prefers_chinese
from ..search.text import CJK_CHAR
from .naming import QUOTATION_MARKS, one_line, primary_citation

# The two citations the statement page offers, whatever the interface language.
CONVENTIONS = [
    ("en", "en", "citation-text", gettext_lazy("Citation, English conventions")),
    ("zh-hans", "zh-Hans", "citation-text-zh", gettext_lazy("Citation, Chinese conventions")),
]


# What every citation says -----------------------------------------------------------------


@dataclass
class _Parts:
    key: str
    kind: str
    words: str
    title: str  # the words, or "Paraphrased: …"
    names: list  # CSL name dicts, in the speakers' order
    speakers: list  # "Name (role at the time)", in order
    permalink: str
    accessed: datetime.date
    language: str
    source_kind: str = ""
    source_kind_label: str = ""
    outlet_kind: str = ""
    outlet: str = ""
    source_title: str = ""
    source_date: tuple | None = None  # (date, precision)
    date: tuple | None = None  # the statement's, else its source's
    url: str = ""
    archived_url: str = ""
    archived_on: datetime.date | None = None
    translator: str = ""
    original_url: str = ""
    notes: list = field(default_factory=list)


def _name(expert):
    """The expert as a CSL name in the active language's conventions."""
    if prefers_chinese() and expert.name_zh:
        return {"literal": one_line(expert.name_zh)}
    name = one_line(expert.name)
    if expert.kind == Expert.Kind.ORGANIZATION:
        return {"literal": name}
    if expert.name_parts is None:
        return {"literal": name}
    family, given = expert.name_parts
    if CJK_CHAR.search(family + given):  # Chinese order, no space, never initials
        return {"literal": family + given}
    return {"family": family, "given": given}


def _speaker(speaker):
    name, role = one_line(speaker.expert.display_name), one_line(speaker.display_role)
    return _("%(name)s (%(role)s)") % {"name": name, "role": role} if role else name


def _source(quote):
    citation = primary_citation(quote)
    return citation.source if citation else None


def _title(quote, words):
    if quote.kind == Quote.Kind.PARAPHRASE:
        return capfirst(_("paraphrased: %(text)s") % {"text": words})
    return words


def _parts(quote, request, today):
    """Everything a citation of ``quote`` says, in the active language. ``quote`` is a
    ``for_list()`` row: this runs no queries."""
    words = one_line(quote.text)
    speakers = list(quote.speakers.all())
    parts = _Parts(
        key=f"commentary-archive-{quote.pk}",
        kind=quote.kind,
        words=words,
        title=_title(quote, words),
        names=[_name(s.expert) for s in speakers],
        speakers=[_speaker(s) for s in speakers],
        permalink=permanent_url(request, quote),
        accessed=today,
        language=quote.language,
        translator=one_line(quote.translator),
    )
    if quote.original:  # prefetched published-only: None when the original is not public
        parts.original_url = permanent_url(request, quote.original)
    source = _source(quote)
    if source:
        outlet = source.outlet
        parts.source_kind = source.kind
        parts.source_kind_label = capfirst(source.get_kind_display())
        parts.outlet_kind = outlet.kind if outlet else ""
        parts.outlet = one_line(outlet.display_name) if outlet else ""
        parts.source_title = one_line(source.title)
        if source.published_on:
            parts.source_date = (source.published_on, source.date_precision)
        parts.url = web_url(source.url)
        parts.archived_url = web_url(source.archived_url)
        parts.archived_on = source.archived_on
    if quote.said_on:
        parts.date = (quote.said_on, quote.date_precision)
    else:
        parts.date = parts.source_date
    parts.notes = _notes(parts)
    return parts


KIND_NOTES = {
    Quote.Kind.PARAPHRASE: gettext_lazy(
        "This is a paraphrase: the words are the reporter's, not the speaker's."
    ),
    Quote.Kind.PARTIAL: gettext_lazy(
        "This is a partial quote: only the words inside quotation marks are the speaker's."
    ),
}


def _speaker_list(parts):
    return pgettext("between joint speakers in a citation", "; ").join(parts.speakers)


def _translation(parts):
    """Who translated the statement and where its original is, when it is a translation."""
    sentences = []
    if parts.translator:
        sentences.append(_("Translated by %(name)s") % {"name": parts.translator})
    if parts.original_url:
        sentences.append(_("Translation of %(url)s") % {"url": parts.original_url})
    return sentences


def _notes(parts):
    """What the structured formats have no field for, as sentences for a ``note``."""
    notes = []
    if parts.speakers:
        notes.append(
            _("Speakers, in the role they held at the time: %(speakers)s")
            % {"speakers": _speaker_list(parts)}
        )
    if parts.kind in KIND_NOTES:
        notes.append(str(KIND_NOTES[parts.kind]))
    if parts.archived_url:
        notes.append(_archived(parts))
    notes += _translation(parts)
    notes.append(_accessed(parts))
    return [capfirst(note) for note in notes]


def _archived(parts):
    if parts.archived_on:
        return _("archived at %(url)s on %(date)s") % {
            "url": parts.archived_url,
            "date": date_format(parts.archived_on, "DATE_FORMAT"),
        }
    return _("archived at %(url)s") % {"url": parts.archived_url}


def _accessed(parts):
    return _("%(archive)s, %(url)s (accessed %(date)s)") % {
        "archive": site.NAME,
        "url": parts.permalink,
        "date": date_format(parts.accessed, "DATE_FORMAT"),
    }


# Plain text -------------------------------------------------------------------------------


def _words(parts):
    if parts.kind == Quote.Kind.PARAPHRASE:
        return parts.title
    words = parts.words
    if parts.kind == Quote.Kind.PARTIAL:  # its own marks enclose the speaker's words only
        return pgettext("a partial quote's words in a citation", "%(words)s (partial quote)") % {
            "words": words
        }
    if words[:1] not in QUOTATION_MARKS:  # else the text carries its own quotation marks
        words = _("“%(text)s”") % {"text": words}
    return words


def _where(parts):
    pieces = [parts.outlet, parts.source_title]
    if parts.source_date and parts.source_date != parts.date:
        pieces.append(format_partial_date(*parts.source_date))
    pieces.append(parts.url)
    if parts.archived_url:
        pieces.append(_archived(parts))
    return pgettext("between parts of a source in a citation", ", ").join(p for p in pieces if p)


def _plain(parts):
    segments = [
        _speaker_list(parts),
        _words(parts),
        format_partial_date(*parts.date) if parts.date else "",
        _where(parts),
        *_translation(parts),
        _accessed(parts),
    ]
    separator = pgettext("between the parts of a citation", ". ")
    return separator.join(s for s in segments if s) + pgettext("end of a citation", ".")


def plain_text(quote, request, today=None):
    """The citation as one paragraph, in the conventions of the active language."""
    return _plain(_parts(quote, request, today or timezone.localdate()))


def plain_texts(quote, request, today=None):
    """The citation in English and in Chinese conventions, the interface language's first:
    dicts with ``language`` (for ``lang``), ``id``, ``label`` and ``text``."""
    today = today or timezone.localdate()
    interface = (translation.get_language() or "")[:2]
    texts = []
    for code, tag, element_id, label in CONVENTIONS:
        with translation.override(code):
            text = plain_text(quote, request, today)
        texts.append({"language": tag, "id": element_id, "label": str(label), "text": text})
    texts.sort(key=lambda t: t["language"][:2].lower() != interface)
    return texts


# CSL-JSON ---------------------------------------------------------------------------------

NEWS_OUTLETS = {Outlet.Kind.NEWSPAPER, Outlet.Kind.NEWS_AGENCY, Outlet.Kind.NEWS_SITE}
CSL_TYPES = {
    Source.Kind.INTERVIEW: "interview",
    Source.Kind.EMAIL_INTERVIEW: "personal_communication",
    Source.Kind.SPEECH: "speech",
    Source.Kind.SOCIAL_POST: "post",
    Source.Kind.REPORT: "report",
    Source.Kind.BROADCAST: "broadcast",
}
OUTLET_CSL_TYPES = {
    Outlet.Kind.MAGAZINE: "article-magazine",
    Outlet.Kind.JOURNAL: "article-journal",
}


def _csl_type(parts):
    if parts.source_kind in CSL_TYPES:
        return CSL_TYPES[parts.source_kind]
    if parts.outlet_kind in NEWS_OUTLETS:
        return "article-newspaper"
    if parts.outlet_kind in OUTLET_CSL_TYPES:
        return OUTLET_CSL_TYPES[parts.outlet_kind]
    return "webpage" if parts.url else "article"


def _date_parts(value, precision):
    """[2026, 2] for February 2026: a partial date never gains a day it does not have."""
    parts = [value.year]
    if precision != DatePrecision.YEAR:
        parts.append(value.month)
    if precision == DatePrecision.DAY:
        parts.append(value.day)
    return parts


def _csl(parts):
    # The words are the speaker's: no style may re-case them ("nocase" is CSL-JSON markup).
    item = {
        "id": parts.key,
        "type": _csl_type(parts),
        "title": f'<span class="nocase">{parts.title}</span>',
        "author": parts.names,
        "container-title": parts.source_title or parts.outlet,
        "publisher": parts.outlet if parts.source_title else "",
        "genre": parts.source_kind_label if parts.source_kind != Source.Kind.ARTICLE else "",
        "issued": {"date-parts": [_date_parts(*parts.date)]} if parts.date else None,
        "URL": parts.url or parts.permalink,
        "accessed": {"date-parts": [_date_parts(parts.accessed, DatePrecision.DAY)]},
        "language": parts.language,
        "translator": [{"literal": parts.translator}] if parts.translator else [],
        "archive": str(site.NAME),
        "archive_location": parts.permalink,
        "note": "\n".join(parts.notes),
    }
    return {key: value for key, value in item.items() if value}


# BibTeX -----------------------------------------------------------------------------------

# pybtex's writer escapes % & # _ ~ but passes backslashes, braces, $ and ^ through as LaTeX.
_TEX_SPECIALS = re.compile(r"[\\{}$^]")
_TEX = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",  # not \{: BibTeX counts escaped braces too
    "}": r"\textbraceright{}",
    "$": r"\$",
    "^": r"\textasciicircum{}",
}


def _tex(text):
    return _TEX_SPECIALS.sub(lambda match: _TEX[match.group()], text)


def _braced(tex):
    """One group: a name BibTeX never splits, a title no style re-cases."""
    return "{" + tex + "}"


class _BibTeXWriter(pybtex_bibtex.Writer):
    """pybtex's BibTeX writer, except that URLs and dates are written as they are: biblatex
    reads ``url`` verbatim, so LaTeX escapes (``\\%``, ``\\_``) would end up in the link."""

    VERBATIM = {"url", "urldate", "date"}

    def _write_field(self, stream, type, value):
        if type in self.VERBATIM:
            stream.write(f",\n    {type} = {self.quote(value)}")
        else:
            super()._write_field(stream, type, value)


def _url(url):
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def _person(name):
    """A pybtex person: "Family, Given", or one braced literal that no style splits."""
    if "literal" in name:
        return Person(last=_braced(_tex(name["literal"])))
    family, given = name["family"], name["given"]
    if re.search(r"\band\b", f"{family} {given}", re.IGNORECASE):  # BibTeX's name separator
        return Person(last=_braced(f"{_tex(family)}, {_tex(given)}"))
    return Person(last=_tex(family), first=_tex(given))


def _bibtex_entry(parts):
    where = [parts.source_kind_label if parts.source_kind != Source.Kind.ARTICLE else ""]
    where += [parts.outlet, parts.source_title]
    fields = {
        "title": _braced(_tex(parts.title)),  # the speaker's capitals stay
        "howpublished": _tex(
            pgettext("between parts of a source in a citation", ", ").join(w for w in where if w)
        ),
    }
    if parts.date:
        value, precision = parts.date
        fields["year"] = str(value.year)
        if precision != DatePrecision.YEAR:
            fields["month"] = str(value.month)  # biblatex wants a number; no day at all
        fields["date"] = iso_partial_date(value, precision)
    fields["url"] = _url(parts.url or parts.permalink)
    fields["urldate"] = parts.accessed.isoformat()
    fields["language"] = parts.language
    fields["note"] = _tex(pgettext("between the parts of a citation", ". ").join(parts.notes))
    persons = {"author": [_person(name) for name in parts.names]}
    if parts.translator:
        persons["translator"] = [_person({"literal": parts.translator})]
    return Entry("misc", fields=fields, persons=persons)


def _bibtex(parts):
    data = BibliographyData({parts.key: _bibtex_entry(parts)})
    return _BibTeXWriter(encoding="UTF-8").to_string(data)


# RIS --------------------------------------------------------------------------------------

RIS_TYPES = {
    "article-newspaper": "NEWS",
    "article-magazine": "MGZN",
    "article-journal": "JOUR",
    "webpage": "ELEC",
    "post": "BLOG",
    "personal_communication": "PCOMM",
    "report": "RPRT",
}


class _RisWriter(rispy.RisWriter):
    """rispy's writer without the "1." it puts before each record: the RIS specification
    has no such line, and a record streamed alone would always be number 1."""

    def set_header(self, count):
        return ""


def _ris_date(value, precision):
    """RIS DA: YYYY/MM/DD/, with the parts a partial date lacks left empty (2026/02//)."""
    parts = [f"{n:02d}" for n in _date_parts(value, precision)]
    return "/".join(parts + [""] * (3 - len(parts))) + "/"


def _ris_name(name):
    return name.get("literal") or f"{name['family']}, {name['given']}"


def _ris_record(parts):
    record = {
        "type_of_reference": RIS_TYPES.get(_csl_type(parts), "GEN"),
        "id": parts.key,
        "authors": [_ris_name(name) for name in parts.names],
        "title": parts.title,
        "secondary_title": parts.source_title or parts.outlet,
        "publisher": parts.outlet,
        "type_of_work": parts.source_kind_label if parts.source_kind != Source.Kind.ARTICLE else "",
        "urls": [parts.url or parts.permalink],
        "access_date": _ris_date(parts.accessed, DatePrecision.DAY),
        "language": parts.language,
        "subsidiary_authors": [parts.translator] if parts.translator else [],
        "notes": parts.notes,
    }
    if parts.date:
        record["year"] = str(parts.date[0].year)
        record["date"] = _ris_date(*parts.date)
    return {key: value for key, value in record.items() if value}


def _ris(parts):
    return rispy.dumps([_ris_record(parts)], implementation=_RisWriter)


# Downloads --------------------------------------------------------------------------------


def _json(parts):
    return json.dumps(_csl(parts), ensure_ascii=False, indent=2)


def _entries(write, first="", between="\n", last=""):
    def file(all_parts):
        yield first
        for number, parts in enumerate(all_parts):
            yield (between if number else "") + write(parts)
        yield last

    return file


WRITERS = {
    "bib": _entries(_bibtex),
    "ris": _entries(_ris),
    "json": _entries(_json, first="[\n", between=",\n", last="\n]\n"),
}
CONTENT_TYPES = {
    "bib": "application/x-bibtex; charset=utf-8",
    "ris": "application/x-research-info-systems; charset=utf-8",
    "json": "application/vnd.citationstyles.csl+json; charset=utf-8",
}
FILE_SUFFIXES = {"bib": "bib", "ris": "ris", "json": "csl.json"}
# (format, name) for the download links: names of formats, not words to translate.
FORMAT_NAMES = [("bib", "BibTeX"), ("ris", "RIS"), ("json", "CSL-JSON")]


def download(quotes, request, fmt, today=None):
    """The citations of ``quotes`` (``for_list()`` rows) as a file in ``fmt``, piece by
    piece, one entry per statement. The language and the day are fixed now: a streamed
    response is written after the view has returned."""
    language = translation.get_language()
    today = today or timezone.localdate()
    write = WRITERS[fmt]

    def pieces():
        with translation.override(language):
            yield from write(_parts(quote, request, today) for quote in quotes)

    return pieces()


def filename(fmt, pk=None):
    stem = f"statement-{pk}" if pk is not None else "statements"
    return f"{stem}.{FILE_SUFFIXES[fmt]}"
