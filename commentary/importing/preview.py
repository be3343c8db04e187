"""What an import proposes: the parsed text matched against the archive.

Each speaker is matched to an existing expert by any of their names, in any script (the
name as printed, the Latin name in brackets, the other spellings editors record as
``ExpertName``), or proposed as new; their role to one of the expert's affiliations, or
proposed. Each outlet is matched by its name in either language, or proposed. Each
statement gets its likely duplicates (``editorial.duplicates``) and, when the collection is
already in the archive, the statement it was imported as before (``previous``).

``Preview`` is one structure for the admin's preview, ``--format json`` and ``apply``.
Lookups are remembered per name, so a speaker with ten statements costs one search.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _
from reversion.models import Version

from ..dates import iso_partial_date
from ..editorial.duplicates import likely_duplicates, ngrams, normalise, similarity
from ..models import Collection, CollectionEntry, Expert, Organization, Outlet, Quote
from . import text as parsing

DOMAIN = re.compile(r"(?:[\w-]+\.)+[a-z]{2,}", re.IGNORECASE)
ACRONYM = re.compile(r"[A-Z]{2,6}")
DOTS = str.maketrans({"•": "·", "・": "·", "‧": "·", "･": "·", "．": "·"})


@dataclass
class ProposedSpeaker:
    name: str
    latin_name: str | None
    role: str
    expert: Expert | None = None
    affiliation: object = None  # the expert's Affiliation the role matched, if any
    candidates: list = field(default_factory=list)  # several experts share the name

    @property
    def new(self):
        return self.expert is None


@dataclass
class ProposedOutlet:
    name: str
    outlet: Outlet | None = None


@dataclass
class ProposedEntry:
    speakers: list[ProposedSpeaker]
    text: str
    kind: str
    said_on: str | None
    outlet: str | None
    source_kind: str | None = None
    outlets: list[ProposedOutlet] = field(default_factory=list)
    duplicate_of: list[int] = field(default_factory=list)
    previous: Quote | None = None  # this statement as imported before, from this collection
    include: bool = True
    line: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def change(self):
        """``"new"``, ``"same"`` (as imported before) or ``"changed"``."""
        if self.previous is None:
            return "new"
        # The words and the date, not the kind (an editor's later judgement of the kind is
        # not undone by importing the text again); the same as the statement is now, or as
        # it was first imported (an editor's later correction of a draft is kept).
        words = normalise(self.text)
        now = (normalise(self.previous.text), _said_on(self.previous))
        first = getattr(self.previous, "imported", now)
        same = (words, self.said_on) in {now, (normalise(first[0]), first[1])}
        return "same" if same else "changed"


@dataclass
class ProposedSection:
    title: str
    entries: list[ProposedEntry] = field(default_factory=list)


@dataclass
class Preview:
    title: str
    language: str
    introduction: str = ""
    particulars: dict = field(default_factory=dict)
    sections: list[ProposedSection] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    collection: Collection | None = None  # the same compilation, imported before

    @property
    def entries(self):
        return [entry for section in self.sections for entry in section.entries]

    def as_json(self):
        """The preview in the documented JSON form (``import_compilation --format json``)."""
        return {
            "collection": {"title": self.title, "language": self.language.lower()},
            "sections": [
                {
                    "title": section.title,
                    "entries": [
                        {
                            "speakers": [
                                {
                                    "name": s.name,
                                    "latin_name": s.latin_name,
                                    "role": s.role,
                                    "expert": s.expert.slug if s.expert else None,
                                    "new": s.new,
                                }
                                for s in entry.speakers
                            ],
                            "text": entry.text,
                            "kind": entry.kind,
                            "said_on": entry.said_on,
                            "outlet": entry.outlet,
                            "duplicate_of": entry.duplicate_of,
                        }
                        for entry in section.entries
                        if entry.include
                    ],
                }
                for section in self.sections
            ],
            "unplaced": self.unplaced,
        }


def _said_on(quote):
    return iso_partial_date(quote.said_on, quote.date_precision) or None


class Matcher:
    """Finds experts, roles and outlets by name, remembering every answer."""

    def __init__(self):
        self._experts = {}
        self._slugs = {}
        self._outlets = {}
        self._roles = {}

    def experts_named(self, name):
        key = name.translate(DOTS).strip()
        if key not in self._experts:
            found = list(Expert.objects.matching_name(key, exact=True).order_by("pk")[:5])
            if not found and key != name.strip():
                found = list(Expert.objects.matching_name(name.strip(), exact=True)[:5])
            self._experts[key] = found
        return self._experts[key]

    def expert(self, name, latin_name):
        """``(expert or None, candidates)``: one expert both names agree on, or the one
        either name finds; several with the name are candidates, not a match."""
        found = [self.experts_named(n) for n in dict.fromkeys([latin_name, name]) if n]
        for experts in found:
            if len(experts) == 1:
                return experts[0], []
        if len(found) == 2 and found[0] and found[1]:
            common = [e for e in found[0] if e in found[1]]
            if len(common) == 1:
                return common[0], []
        return None, [e for experts in found for e in experts]

    def by_slug(self, slug):
        if not slug:
            return None
        if slug not in self._slugs:
            self._slugs[slug] = Expert.objects.filter(slug=slug).first()
        return self._slugs[slug]

    def affiliation(self, expert, role):
        """The expert's affiliation ``role`` names (their first one if no role is printed)."""
        if expert.pk not in self._roles:
            self._roles[expert.pk] = list(
                expert.affiliations.select_related("organization").order_by("position", "pk")
            )
        affiliations = self._roles[expert.pk]
        if not role:
            return affiliations[0] if affiliations else None
        wanted = normalise(role)
        for affiliation in affiliations:
            if wanted in {normalise(affiliation.role), normalise(affiliation.role_zh)}:
                return affiliation
        for affiliation in affiliations:
            stored = [normalise(affiliation.role_zh), normalise(affiliation.role)]
            if any(len(s) >= 4 and (s in wanted or wanted in s) for s in stored):
                return affiliation
        return None

    def outlet(self, name):
        """The outlet a citation names: by its name in either language (with or without
        《》, or either half of ``《美国保守派》(The American Conservative)``), by its web
        address (``cepa.org``), or by the short name of the body it belongs to (``RM``)."""
        if name not in self._outlets:
            self._outlets[name] = self._find_outlet(name)
        return self._outlets[name]

    def _find_outlet(self, name):
        glossed = re.fullmatch(r"(.+?)\s*[(（]([^()（）]+)[)）]", name)
        names = [name, *(glossed.groups() if glossed else ())]
        variants = [(n, n.strip("《》〈〉 "), f"《{n.strip('《》 ')}》") for n in names]
        for candidate in dict.fromkeys(v for group in variants for v in group):
            found = Outlet.objects.matching_name(candidate, exact=True).order_by("pk")[:2]
            if len(found) == 1:
                return found[0]
        if DOMAIN.fullmatch(name):
            domain = name.lower().removeprefix("www.")
            found = Outlet.objects.filter(
                Q(homepage__iendswith=f"//{domain}")
                | Q(homepage__iendswith=f"//www.{domain}")
                | Q(homepage__iendswith=f"//{domain}/")
                | Q(homepage__iendswith=f"//www.{domain}/")
            ).order_by("pk")[:2]
            if len(found) == 1:
                return found[0]
        if ACRONYM.fullmatch(name):
            bodies = Organization.objects.filter(short_name__exact=name).values("name")
            found = Outlet.objects.filter(name__in=bodies).order_by("pk")[:2]
            if len(found) == 1:
                return found[0]
        return None


def find_collection(title):
    if not title:
        return None
    return (
        Collection.objects.filter(title_zh=title).order_by("pk").first()
        or Collection.objects.filter(title=title).order_by("pk").first()
    )


def previous_statements(collection):
    """``{normalised text: [quotes]}`` and ``[(quote, its n-grams)]`` of the collection, in
    order; each quote knows its speakers (``speaker_ids``) and its words and date as first
    imported (``imported``, from its oldest version in the history)."""
    if collection is None:
        return {}, []
    entries = (
        CollectionEntry.objects.filter(section__collection=collection)
        .select_related("section", "quote")
        .prefetch_related("quote__speakers")
        .order_by("section__position", "position", "pk")
    )
    quotes = [entry.quote for entry in entries]
    first = first_versions(quotes)
    by_text, ordered = {}, []
    for quote in quotes:
        quote.speaker_ids = frozenset(s.expert_id for s in quote.speakers.all())
        quote.imported = first.get(quote.pk, (quote.text, _said_on(quote)))
        for words in {normalise(quote.text), normalise(quote.imported[0])}:
            by_text.setdefault(words, []).append(quote)
        ordered.append((quote, ngrams(quote.text)))
    return by_text, ordered


def first_versions(quotes):
    """``{quote id: (text, said_on)}`` as each statement was first saved (one query)."""
    versions = (
        Version.objects.get_for_model(Quote)
        .filter(object_id__in=[str(q.pk) for q in quotes])
        .order_by("object_id", "pk")
        .values_list("object_id", "serialized_data")
    )
    found = {}
    for object_id, data in versions:
        if int(object_id) in found:
            continue
        try:
            fields = json.loads(data)[0]["fields"]
        except (ValueError, LookupError, TypeError):
            continue
        said_on = fields.get("said_on")
        if said_on:
            said_on = iso_partial_date(date.fromisoformat(said_on), fields.get("date_precision"))
        found[int(object_id)] = (fields.get("text", ""), said_on)
    return found


def _closest(entry_text, speaker_ids, quotes, taken):
    """A statement imported before that ``entry_text`` is an edit of, if any."""
    wanted = ngrams(entry_text)
    best, best_score = None, 0.6
    for quote, grams in quotes:
        if quote.pk in taken or quote.speaker_ids != speaker_ids:
            continue
        score = similarity(wanted, grams)
        if score > best_score:
            best, best_score = quote, score
    return best


def propose(compilation, matcher=None, progress=None):
    """A ``Preview`` of ``compilation`` (a ``text.Compilation``) against the archive."""
    matcher = matcher or Matcher()
    preview = Preview(
        title=compilation.title,
        language=compilation.language,
        introduction=compilation.introduction,
        particulars=dict(compilation.particulars),
        unplaced=list(compilation.unplaced),
        problems=list(compilation.problems),
        collection=find_collection(compilation.title),
    )
    by_text, ordered = previous_statements(preview.collection)
    taken = set()
    total = len(compilation.entries)
    done = 0
    for section in compilation.sections:
        proposed = ProposedSection(section.title)
        preview.sections.append(proposed)
        for paragraph in section.entries:
            proposed.entries.append(propose_entry(paragraph, matcher, by_text, ordered, taken))
            done += 1
            if progress and done % 50 == 0:
                progress(done, total)
    return preview


def propose_entry(paragraph, matcher, by_text=None, ordered=(), taken=None):
    taken = taken if taken is not None else set()
    speakers = []
    for speaker in paragraph.speakers:
        if speaker.choice is None:
            expert, candidates = matcher.expert(speaker.name, speaker.latin_name)
        else:
            expert, candidates = matcher.by_slug(speaker.choice), []
        affiliation = matcher.affiliation(expert, speaker.role) if expert else None
        speakers.append(
            ProposedSpeaker(
                speaker.name, speaker.latin_name, speaker.role, expert, affiliation, candidates
            )
        )
    entry = ProposedEntry(
        speakers=speakers,
        text=paragraph.text,
        kind=paragraph.kind,
        said_on=paragraph.said_on,
        outlet=paragraph.outlet,
        source_kind=paragraph.source_kind,
        outlets=[
            ProposedOutlet(name, matcher.outlet(name))
            for name in parsing.outlet_names(paragraph.outlet)
        ],
        line=paragraph.line,
        problems=list(paragraph.problems),
        include=paragraph.include,
    )
    experts = [s.expert for s in speakers if s.expert]
    if len(set(experts)) < len(experts):
        entry.problems.append(_("The same expert is named twice; they are recorded once."))
    # The statement imported before: the same speakers, and the same words (or nearly); a
    # new speaker means nothing imported before can be this statement.
    speaker_ids = frozenset(e.pk for e in experts) if len(experts) == len(speakers) else None
    previous = next(
        (
            quote
            for quote in (by_text or {}).get(normalise(entry.text), [])
            if quote.pk not in taken and quote.speaker_ids == speaker_ids
        ),
        None,
    )
    if previous is None and ordered and speaker_ids is not None:
        previous = _closest(entry.text, speaker_ids, ordered, taken)
    if previous is not None:
        taken.add(previous.pk)
        entry.previous = previous
    if experts:
        said_on, _precision = parsing.precision_of(entry.said_on)
        entry.duplicate_of = [
            candidate.quote.pk
            for candidate in likely_duplicates(entry.text, experts, said_on=said_on)
        ]
    return entry


LANGUAGES = {"zh-hans": "zh-Hans", "zh": "zh-Hans", "en": "en"}


def read(data, language=None, progress=None):
    """The ``Preview`` of an upload (bytes or text); ``text.RefusedText`` if unreadable."""
    language = LANGUAGES.get((language or "").lower()) if language else None
    compilation = parsing.parse(parsing.decode(data), language=language, progress=progress)
    return propose(compilation, progress=progress)
