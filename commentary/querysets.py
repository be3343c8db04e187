"""Named queries. Public code reads statements through ``Quote.objects.published()``.

Filters on many-valued relations (speakers, citations, topics, collection entries) are
semi-joins (``pk__in`` a subquery), never joins: a statement matches once however many of
its speakers or sources match, so counts stay plain ``COUNT(*)`` and no ``DISTINCT`` is
needed.
"""

import datetime
import itertools

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery

from .choices import DatePrecision, Status
from .search.fulltext import SearchRank
from .search.text import parse_query


def _model(name):
    return apps.get_model("commentary", name)


def published_rows(path=""):
    """The condition ``published()`` applies, seen from a related model through ``path``
    (e.g. ``"quote__"`` from a speaker row). Public code tests publication only through
    ``published()`` and this; tests/test_leaks.py checks that no other test exists."""
    return Q(**{f"{path}status": Status.PUBLISHED})


class PublishedQuerySet(models.QuerySet):
    def published(self):
        """The only rows public pages may show."""
        return self.filter(published_rows())

    def withdrawn(self):
        """Rows taken down after publication: their permalinks answer 410 Gone."""
        return self.filter(status=Status.WITHDRAWN)

    def awaiting_review(self):
        return self.filter(status=Status.REVIEW)


class NamedQuerySet(models.QuerySet):
    """Finding records by name: ``name``, ``name_zh`` and any other names the model keeps."""

    def matching_name(self, text, exact=False):
        """Rows any of whose names contain ``text`` (``exact``: equal it), ignoring case."""
        lookup = "iexact" if exact else "icontains"
        return self.filter(
            Q(**{f"name__{lookup}": text})
            | Q(**{f"name_zh__{lookup}": text})
            | self.other_names(text, lookup)
        )

    def other_names(self, text, lookup):
        return Q(pk__in=[])


def _published_collections():
    return _model("Collection").objects.published()


class OrganizationQuerySet(NamedQuerySet):
    def other_names(self, text, lookup):
        return Q(short_name__iexact=text)

    def public(self):
        """Organisations a public page can link to: where experts with published statements
        hold or held a role (and the bodies those belong to), and compilers of published
        collections."""
        # EXISTS per organisation (index probes), not IN over every public expert's roles:
        # one organisation's page is then a few index reads, not a hash of all roles.
        roles = _model("Affiliation").objects.filter(expert__statement_count__gt=0)
        return self.filter(
            Exists(roles.filter(organization=OuterRef("pk")))
            | Exists(roles.filter(organization__parent=OuterRef("pk")))
            | Q(pk__in=_published_collections().values("compiler"))
        )


class OutletQuerySet(NamedQuerySet):
    def public(self):
        """Outlets of the sources public pages show."""
        return self.filter(pk__in=_model("Source").objects.public().values("outlet"))


class SourceQuerySet(models.QuerySet):
    def public(self):
        """Sources cited by a published statement or credited by a published collection."""
        collections = _published_collections()
        return self.filter(
            Q(statement_count__gt=0)  # stored by counting/
            | Q(pk__in=collections.values("source"))
            | Q(pk__in=collections.values("translation_source"))
        )


class TopicQuerySet(models.QuerySet):
    def public(self):
        """Topics of published statements, and the broader topics they belong to."""
        tagged = self.model.objects.filter(statement_count__gt=0)  # stored by counting/
        return self.filter(Q(pk__in=tagged.values("pk")) | Q(children__in=tagged)).distinct()


class CountryQuerySet(models.QuerySet):
    def public(self):
        """Countries whose experts speak in published statements (by the stored counts,
        ``statement_count`` and ``expert_count``, which counting/ keeps current)."""
        return self.filter(statement_count__gt=0)


class AffiliationQuerySet(models.QuerySet):
    def on_date(self, day):
        """Affiliations held on ``day``: started on or before it (or undated) and not ended."""
        return self.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=day),
            Q(end_date__isnull=True) | Q(end_date__gte=day),
        )

    def timeline(self):
        """Current roles first, then former ones; each group newest first, undated last."""
        return self.select_related("organization").order_by(
            "is_former",
            models.F("end_date").desc(nulls_first=True),
            models.F("start_date").desc(nulls_last=True),
            "position",
            "pk",
        )


class ExpertQuerySet(NamedQuerySet):
    def public(self):
        """Experts who speak in at least one published statement: a stored count
        (``statement_count``, kept current by counting/ in the transaction of every change
        that alters it), so a list of 100,000 experts needs no join to find them."""
        return self.filter(statement_count__gt=0)

    def co_speakers_of(self, expert):
        """Who has spoken jointly with ``expert`` in published statements, most often first."""
        shared = (
            _model("QuoteSpeaker")
            .objects.filter(published_rows("quote__"), expert=expert)
            .values("quote")
        )
        return (
            self.filter(speaker_roles__quote__in=shared)
            .exclude(pk=expert.pk)
            .annotate(shared_count=Count("speaker_roles"))
            .order_by("-shared_count", "sort_name", "pk")
        )

    def matching_name(self, text, exact=False):
        """Experts any of whose names contain ``text`` (``exact``: equal it), ignoring case:
        the ids of three searches, each served by its own index (trigram indexes on
        PostgreSQL, migration 0011), joined by UNION. An OR of the three took a scan of
        every expert (60 ms at 100,000); this is 3 ms for a rare name, 27 for "ivan".
        Shorter than a trigram, no index can help: one scan, as an OR."""
        if not exact and len(text) < 3:
            return super().matching_name(text)
        lookup = "iexact" if exact else "icontains"
        experts = _model("Expert").objects.order_by()
        spellings = _model("ExpertName").objects.order_by()
        ids = (
            experts.filter(**{f"name__{lookup}": text})
            .values("pk")
            .union(
                experts.filter(**{f"name_zh__{lookup}": text}).values("pk"),
                spellings.filter(**{f"name__{lookup}": text}).values("expert"),
            )
        )
        return self.filter(pk__in=ids)

    def other_names(self, text, lookup):
        spellings = _model("ExpertName").objects.filter(**{f"name__{lookup}": text})
        return Q(pk__in=spellings.values("expert"))


def _credit_rows(relation):
    return _model({"speakers": "QuoteSpeaker", "citations": "Citation"}[relation]).objects


class QuoteQuerySet(PublishedQuerySet):
    def dates(self, field_name, kind, order="ASC"):
        """The years of ``said_on`` of all statements (the admin's year links) by one index
        probe per year between the first and the last, instead of ``DISTINCT date_trunc``
        over every row (180 ms at a million statements). Anything else, and any filtered
        set (where a year without rows would be a long probe), as Django does it."""
        if field_name != "said_on" or kind != "year" or self.query.where:
            return super().dates(field_name, kind, order)
        rows = self.model.objects.order_by()
        bounds = rows.aggregate(first=models.Min("said_on"), last=models.Max("said_on"))
        if bounds["first"] is None:
            return []
        years = [
            datetime.date(year, 1, 1)
            for year in range(bounds["first"].year, bounds["last"].year + 1)
            if rows.filter(
                said_on__gte=datetime.date(year, 1, 1), said_on__lt=datetime.date(year + 1, 1, 1)
            ).exists()
        ]
        return years if order == "ASC" else years[::-1]

    def _speakers(self, *conditions, **lookups):
        speakers = _model("QuoteSpeaker").objects.filter(*conditions, **lookups)
        return self.filter(pk__in=speakers.values("quote"))

    def by_country(self, *codes):
        return self._speakers(expert__country__in=codes)

    def by_region(self, region):
        return self._speakers(expert__country__region=region)

    def by_expert(self, expert):
        return self._speakers(expert=expert)

    def by_organization(self, organization):
        """Statements made in a role at ``organization`` (or at a unit inside it)."""
        return self._speakers(
            Q(affiliation__organization=organization)
            | Q(affiliation__organization__parent=organization)
        )

    def _cited(self, **lookups):
        return self.filter(pk__in=_model("Citation").objects.filter(**lookups).values("quote"))

    def by_outlet(self, outlet):
        return self._cited(source__outlet=outlet)

    def by_source(self, source):
        return self._cited(source=source)

    def by_source_kind(self, kind):
        return self._cited(source__kind=kind)

    def by_topic(self, topic):
        through = _model("Quote").topics.through
        return self.filter(pk__in=through.objects.filter(topic=topic).values("quote"))

    def in_collection(self, collection):
        entries = _model("CollectionEntry").objects.filter(section__collection=collection)
        return self.filter(pk__in=entries.values("quote"))

    def said_between(self, start=None, end=None):
        """Statements whose whole date lies inside [start, end] (inclusive, either open).

        A statement dated only "2026" is inside 2025–2026 but not inside January 2026; one
        dated "February 2026" is inside 2026-02 but not inside 2026-02-01..2026-02-15. So
        the facets' year and month counts and these filters agree.
        """
        if start:
            self = self.filter(said_on__gte=start)
        if end and end < datetime.date.max:  # the last day of 9999 bounds nothing
            following = end + datetime.timedelta(days=1)
            # ``said_on <= end`` follows from each branch below; said once, outside the OR,
            # it bounds an index scan on the date (600 ms → a few at a million statements).
            self = self.filter(said_on__lte=end).filter(
                Q(date_precision=DatePrecision.DAY, said_on__lte=end)
                | Q(date_precision=DatePrecision.MONTH, said_on__lt=following.replace(day=1))
                | Q(
                    date_precision=DatePrecision.YEAR,
                    said_on__lt=following.replace(month=1, day=1),
                )
            )
        return self

    def search(self, query):
        """Statements matching ``query``, the text of a search box.

        Words must all match, "phrases" match as written, -words exclude, OR offers
        alternatives; see ``search.py`` for how Chinese and English are matched. A blank
        query matches everything; one with nothing searchable in it (only punctuation)
        matches nothing. Matching rows get a ``search_rank`` for ``by_relevance()``.
        """
        query = parse_query(query)
        if not query:
            return self if not query.text.strip() else self.none()
        if query.excluded:
            self = self.exclude(pk__fulltext=[query.excluded])
        if not query.groups:
            return self
        return self.filter(pk__fulltext=query.groups).annotate(search_rank=SearchRank(query.groups))

    def newest_first(self):
        return self.order_by(models.F("said_on").desc(nulls_last=True), "-pk")

    def oldest_first(self):
        return self.order_by(models.F("said_on").asc(nulls_last=True), "pk")

    def by_relevance(self):
        """Best match first; needs ``search()`` to have run, else it is newest first."""
        if "search_rank" not in self.query.annotations:
            return self.newest_first()
        return self.order_by("-search_rank", models.F("said_on").desc(nulls_last=True), "-pk")

    @staticmethod
    def credited(relation):
        """The condition: a statement has at least one row of ``relation`` ("speakers" or
        "citations") of its own, or is a translation of a published statement that has them
        (a translation shows its original's speakers and sources: inherited, not copied)."""
        rows = _credit_rows(relation)
        inherited = Exists(rows.filter(published_rows("quote__"), quote=OuterRef("original")))
        return QuoteQuerySet.credited_own(relation) | Q(inherited)

    @staticmethod
    def credited_own(relation):
        """The condition: a statement has rows of ``relation`` of its own."""
        return Q(Exists(_credit_rows(relation).filter(quote=OuterRef("pk"))))

    def incomplete(self):
        """Statements that could not be published: no speaker or no source, own or
        inherited (``manage.py check_publication`` lists the published ones)."""
        return self.exclude(self.credited("speakers") & self.credited("citations"))

    def with_published_at(self):
        """``published_at``: when the archive first published each statement, from the
        status log (None for rows written without one, such as a generated archive)."""
        first = (
            _model("StatusChange")
            .objects.filter(
                content_type=ContentType.objects.get_for_model(self.model),
                object_id=OuterRef("pk"),
                to_status=Status.PUBLISHED,
            )
            .order_by("at")
            .values("at")[:1]
        )
        return self.annotate(published_at=Subquery(first))

    def with_speakers(self):
        """Speakers in order with their expert, country and role at the time: two queries."""
        return self.prefetch_related(_speakers_prefetch())

    def for_list(self):
        """What a list of statement cards needs, in a fixed number of queries.

        Links to the original and to translations only ever reach published statements:
        an unpublished original prefetches as ``None``. A translation without speakers or
        sources of its own shows its published original's (``credits_inherited`` names
        which), read in two more queries only when a page holds such a translation.
        """
        quotes = _model("Quote").objects
        listed = (
            self.defer("search_text", "search_names")
            .with_speakers()
            .prefetch_related(
                "topics",
                _citations_prefetch(),
                Prefetch("original", queryset=quotes.published().only("pk", "language")),
                Prefetch(
                    "translations",
                    queryset=quotes.published().only("pk", "language", "original").order_by("pk"),
                    to_attr="published_translations",
                ),
            )
        )
        listed._inherits_credits = True
        return listed

    _inherits_credits = False

    def _clone(self):
        clone = super()._clone()
        clone._inherits_credits = self._inherits_credits
        return clone

    def _prefetch_related_objects(self):
        super()._prefetch_related_objects()
        if self._inherits_credits:
            inherit_credits(self._result_cache)

    def _iterator(self, use_chunked_fetch, chunk_size):
        """``iterator()`` prefetches chunk by chunk without the hook above: the same per
        chunk (``streaming.in_chunks`` reads whole lists this way)."""
        rows = super()._iterator(use_chunked_fetch, chunk_size)
        if not self._inherits_credits:
            yield from rows
            return
        while chunk := list(itertools.islice(rows, chunk_size or 2000)):
            inherit_credits(chunk)
            yield from chunk


def _speakers_prefetch():
    return Prefetch(
        "speakers",
        queryset=_model("QuoteSpeaker")
        .objects.select_related(
            "expert", "expert__country", "affiliation", "affiliation__organization"
        )
        .order_by("position"),
    )


def _citations_prefetch():
    return Prefetch(
        "citations",
        queryset=_model("Citation")
        .objects.select_related("source", "source__outlet")
        .order_by("position"),
    )


def inherit_credits(quotes):
    """Give translations (``for_list()`` rows) that have no speakers or no sources of their
    own their published original's, in place of the empty prefetched lists: two queries,
    only when there are such rows. Rows without those prefetches are left alone."""
    lacking = {}
    for quote in quotes:
        cache = getattr(quote, "_prefetched_objects_cache", None)
        if not cache or not getattr(quote, "original_id", None):
            continue
        relations = [r for r in ("speakers", "citations") if r in cache and not cache[r]]
        original = quote.original  # prefetched: None unless published
        if relations and original is not None:
            lacking[quote] = (original, relations)
    if not lacking:
        return
    # The originals were prefetched with only("pk", "language"): no rows of their own yet.
    originals = list({original.pk: original for original, _ in lacking.values()}.values())
    models.prefetch_related_objects(originals, _speakers_prefetch(), _citations_prefetch())
    for quote, (original, relations) in lacking.items():
        for relation in relations:
            quote._prefetched_objects_cache[relation] = original._prefetched_objects_cache[relation]
        quote.credits_inherited = relations


class CollectionQuerySet(PublishedQuerySet):
    pass
