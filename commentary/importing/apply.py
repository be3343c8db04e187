"""Writing a preview: one transaction, one revision in the history, drafts only.

The collection is created as a draft with its sections and entries in the text's order;
each new statement is a draft (or "in review") with its speakers, their roles at the time,
the cited outlets' sources and the compilation's own source. New experts, roles, outlets
and sources are created as the preview proposes. Nothing is ever published by an import.

Importing the same text again creates nothing: each statement recognised as imported
before (``ProposedEntry.previous``) is left alone when it is the same, and updated (a new
version in its history) when its text, kind or date changed, unless it is already
published or withdrawn, which only a publisher may change: those are reported, not touched.
"""

import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ..choices import CitationRole, DatePrecision, Status
from ..editorial import history, workflow
from ..models import (
    Affiliation,
    Citation,
    Collection,
    CollectionEntry,
    CollectionSection,
    Expert,
    Outlet,
    Quote,
    QuoteSpeaker,
    Source,
)
from ..search import index
from . import text as parsing

EDITABLE = {Status.DRAFT, Status.REVIEW}


class NothingToImport(ValueError):
    pass


@dataclass
class Report:
    collection: Collection | None = None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    left_published: list = field(default_factory=list)  # changed, but only a publisher may edit
    not_filed: list = field(default_factory=list)  # lines of new statements, not imported
    new_experts: int = 0
    new_outlets: int = 0

    @property
    def nothing_new(self):
        return not (self.created or self.updated)

    def summary(self):
        if self.nothing_new and not (self.left_published or self.not_filed):
            return _(
                "Nothing new: all %(count)s statements were imported before and are unchanged."
            ) % {"count": self.unchanged}
        text = _(
            "%(created)s statements created, %(updated)s updated, %(unchanged)s unchanged; "
            "%(experts)s new experts, %(outlets)s new outlets."
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "experts": self.new_experts,
            "outlets": self.new_outlets,
        }
        if self.left_published:
            text += " " + _(
                "%(count)s changed statements are already published and were left as they "
                "are (a publisher may edit them): %(ids)s."
            ) % {
                "count": len(self.left_published),
                "ids": ", ".join(str(pk) for pk in self.left_published),
            }
        if self.not_filed:
            text += " " + _(
                "The collection is published, so its %(count)s new statements were not "
                "imported (a publisher may import them); lines %(lines)s."
            ) % {
                "count": len(self.not_filed),
                "lines": ", ".join(str(line) for line in self.not_filed),
            }
        return text


def unique_slug(model, *names, prefix):
    base = next((slugify(n) for n in names if n and slugify(n)), "")[:100]
    if not base:
        digest = hashlib.sha256("".join(n for n in names if n).encode()).hexdigest()[:8]
        base = f"{prefix}-{digest}"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _bilingual(language, text):
    """``(English field, Chinese field)`` values for ``text`` written in ``language``."""
    return ("", text) if language.lower().startswith("zh") else (text, "")


class Writer:
    def __init__(self, preview, user, status):
        self.preview = preview
        self.user = user
        self.status = status
        self.report = Report()
        self.experts = {}  # (name, latin name) -> Expert created by this import
        self.outlets = {}  # name -> Outlet created by this import
        self.sources = {}  # (outlet pk, said_on) -> Source
        self.zh = preview.language.lower().startswith("zh")

    # Collection and sections ----------------------------------------------------------

    def collection(self):
        preview = self.preview
        if preview.collection is not None:
            return preview.collection
        title, title_zh = _bilingual(preview.language, preview.title)
        intro, intro_zh = _bilingual(preview.language, preview.introduction)
        particulars = preview.particulars
        source = None
        if particulars.get("source_url") or particulars.get("source_title"):
            url = particulars.get("source_url", "")
            source = Source.objects.create(
                title=particulars.get("source_title", "")[:500],
                url=url if url.startswith(("http://", "https://")) else "",
                kind=Source.Kind.COMPILATION,
                language="",
                notes=_("The compilation, as its text names it."),
            )
        collection = Collection.objects.create(
            title=(title or particulars.get("source_title", "") or preview.title)[:300],
            title_zh=title_zh[:300],
            slug=unique_slug(
                Collection, particulars.get("source_title"), title, title_zh, prefix="collection"
            ),
            description=intro,  # a text field: no limit
            description_zh=intro_zh,
            translator=particulars.get("translator", "")[:200],
            source=source,
            status=Status.DRAFT,
            notes=particulars.get("disclaimer", ""),
        )
        return collection

    def section(self, collection, title, position):
        en, zh = _bilingual(self.preview.language, title)
        en, zh = (en or zh or _("Statements"))[:300], zh[:300]
        existing = collection.sections.filter(**({"title_zh": zh} if zh else {"title": en})).first()
        if existing:
            return existing
        return CollectionSection.objects.create(
            collection=collection,
            title=en,
            title_zh=zh,
            slug=self.anchor(collection, slugify(en)[:80] or f"section-{position}"),
            position=position,
        )

    def anchor(self, collection, base):
        """A section anchor no other section of the collection and no page element has."""
        taken = set(collection.sections.values_list("slug", flat=True))
        reserved = CollectionSection.RESERVED_ANCHORS
        if base in reserved or base.endswith("-heading"):
            base = f"section-{base}"
        anchor, n = base, 2
        while anchor in taken:
            anchor, n = f"{base}-{n}", n + 1
        return anchor

    # Speakers and sources -------------------------------------------------------------

    def expert(self, speaker):
        if speaker.expert is not None:
            return speaker.expert
        key = (speaker.name, speaker.latin_name)
        if key not in self.experts:
            latin = speaker.latin_name or (speaker.name if parsing.is_latin(speaker.name) else "")
            chinese = speaker.name if speaker.name != latin else ""
            self.experts[key] = Expert.objects.create(
                name=(latin or speaker.name)[:200],
                name_zh=chinese[:200],
                slug=unique_slug(Expert, latin, prefix="expert"),
            )
            self.report.new_experts += 1
        return self.experts[key]

    def affiliation(self, expert, speaker):
        if speaker.affiliation is not None and speaker.affiliation.expert_id == expert.pk:
            return speaker.affiliation
        if not speaker.role:
            return expert.affiliations.order_by("position", "pk").first()
        en, zh = _bilingual(self.preview.language, speaker.role)
        existing = expert.affiliations.filter(role=en[:300], role_zh=zh[:300]).first()
        if existing:
            return existing
        last = expert.affiliations.order_by("-position").first()
        return Affiliation.objects.create(
            expert=expert,
            role=en[:300],
            role_zh=zh[:300],
            position=(last.position + 1) if last else 1,
        )

    def outlet(self, proposed):
        if proposed.outlet is not None:
            return proposed.outlet
        if proposed.name not in self.outlets:
            name = proposed.name.strip("《》 ") or proposed.name
            chinese = not parsing.is_latin(name)
            self.outlets[proposed.name] = Outlet.objects.create(
                name=name[:200],
                name_zh=(proposed.name if chinese else "")[:200],
                slug=unique_slug(Outlet, name, prefix="outlet"),
            )
            self.report.new_outlets += 1
        return self.outlets[proposed.name]

    def source(self, outlet, said_on, kind=None, interviewee=None):
        """The source an "(outlet, date)" citation stands for: one per outlet and date (the
        text cannot tell two articles apart), or per interviewee for an interview."""
        kind = kind or Source.Kind.ARTICLE
        title = ""
        if kind != Source.Kind.ARTICLE and interviewee is not None:
            title = _("Interview with %(name)s") % {"name": interviewee.name}
        key = (outlet.pk, said_on, kind, title)
        if key not in self.sources:
            published_on, precision = parsing.precision_of(said_on)
            fields = {
                "outlet": outlet,
                "published_on": published_on,
                "date_precision": precision,
                "kind": kind,
                "title": title[:500],
            }
            self.sources[key] = Source.objects.filter(url="", **fields).order_by(
                "pk"
            ).first() or Source.objects.create(
                **fields, notes=_("The compilation cites only the outlet and the date.")
            )
        return self.sources[key]

    # Statements -----------------------------------------------------------------------

    def update(self, quote, entry):
        if entry.change == "same":
            self.report.unchanged += 1
            return
        if quote.status not in EDITABLE:
            self.report.left_published.append(quote.pk)
            return
        said_on, precision = parsing.precision_of(entry.said_on)
        quote.text = entry.text  # not the kind: an editor's judgement of it stays
        quote.said_on, quote.date_precision = said_on, precision
        quote.save()
        self.report.updated += 1

    def create(self, entry, collection):
        said_on, precision = parsing.precision_of(entry.said_on)
        quote = Quote.objects.create(
            text=entry.text,
            language=self.preview.language,
            kind=entry.kind,
            said_on=said_on,
            date_precision=precision if said_on else DatePrecision.DAY,
            status=self.status,
            translator=collection.translator if self.zh and collection.translator else "",
        )
        experts = []
        for speaker in entry.speakers:
            expert = self.expert(speaker)
            if expert in experts:
                continue  # named twice: one speaker row (flagged in the preview)
            experts.append(expert)
            QuoteSpeaker.objects.create(
                quote=quote,
                expert=expert,
                affiliation=self.affiliation(expert, speaker),
                position=len(experts),
            )
        cited = [
            self.source(self.outlet(o), entry.said_on, entry.source_kind, experts[0])
            for o in entry.outlets
        ]
        if collection.source_id:
            cited.append(collection.source)
        for position, source in enumerate(dict.fromkeys(cited), start=1):
            role = CitationRole.COMPILATION if source == collection.source else CitationRole.FIRST
            Citation.objects.create(quote=quote, source=source, role=role, position=position)
        self.report.created += 1
        return quote

    def write(self):
        collection = self.report.collection = self.collection()
        # Entries of a published collection are for publishers (editorial.workflow): an
        # editor's import (and the command's) creates no new statements for it, so that
        # nothing is left outside the collection to be created again by the next import.
        may_file = self.user is not None and workflow.can_edit(self.user, collection)
        may_file = may_file or collection.status not in workflow.PUBLIC_STATES
        placed = {
            entry.quote_id: entry
            for entry in CollectionEntry.objects.filter(section__collection=collection)
        }
        last = collection.sections.order_by("-position").first()
        next_position = (last.position + 1) if last else 1
        for section in self.preview.sections:
            row, after = None, None  # the section, and the entry the next one follows
            waiting = []  # new statements before the first one imported before
            for entry in section.entries:
                if not entry.include:
                    continue
                if entry.previous is not None:
                    self.update(entry.previous, entry)
                    before = placed.get(entry.previous.pk)
                    if before is not None and row in (None, before.section):
                        if row is None:
                            row = before.section
                            position = before.position - 1  # the waiting go before it
                            for quote in waiting:
                                position = self.file(row, quote, position)
                            waiting = []
                        before.refresh_from_db(fields=["position"])  # moved by the filing
                        after = before.position
                    continue
                if not may_file:
                    self.report.not_filed.append(entry.line)
                    continue
                quote = self.create(entry, collection)
                if row is None and not any(e.previous for e in section.entries if e.include):
                    row = self.section(collection, section.title, next_position)
                    if row.position == next_position:
                        next_position += 1
                if row is None:
                    waiting.append(quote)
                    continue
                after = self.file(row, quote, after)
            if waiting:  # the statements imported before are filed elsewhere
                row = self.section(collection, section.title, next_position)
                if row.position == next_position:
                    next_position += 1
                for quote in waiting:
                    after = self.file(row, quote, after)
        return self.report

    def file(self, section, quote, after):
        """File ``quote`` in ``section`` right after the entry at position ``after`` (None:
        at the end), moving the later entries down one; its position."""
        if after is None:
            last = section.entries.order_by("-position").first()
            position = (last.position if last else 0) + 1
        else:
            position = after + 1
            # One by one from the end: each position stays unique at every step.
            for later in section.entries.filter(position__gte=position).order_by("-position"):
                later.position += 1
                later.save(update_fields=["position"])
        CollectionEntry.objects.create(section=section, quote=quote, position=position)
        return position


def apply(preview, user=None, status=Status.DRAFT):
    """Write ``preview``; a ``Report`` of what changed. All or nothing."""
    if status not in EDITABLE:
        raise ValueError("an import creates drafts or statements in review, never published ones")
    if not any(entry.include for entry in preview.entries):
        raise NothingToImport(_("No statement is ticked for import."))
    comment = _("Imported the compilation “%(title)s”") % {"title": preview.title[:120]}
    with transaction.atomic(), history.recorded(comment, user), index.deferred():
        return Writer(preview, user, status).write()
