"""Stored counts: what each one counts, recounting some or all of them, and checking them.

Pages show how many published statements an expert, a country, a topic, a collection and
a source have, how many experts speak for a country, and the archive's totals. Counting
those per request costs seconds at a million statements (a ``COUNT(DISTINCT …)`` over
experts → speakers → statements for every row), so they are stored on the rows
(``models.stored_count``) and in ``Total``, and recounted here, in the transaction of the
change that alters them (``receivers.py``), for just the rows it concerns.

Every count is defined once, as a live count (``LIVE``): recounting writes it, checking
compares with it. A recount is an ``UPDATE … SET n = (SELECT COUNT(*) …)`` over the rows
concerned; recounting everything (``manage.py recount``) is the same statement over every
row, a few seconds at a million statements.
"""

from django.db.models import Exists, F, Func, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from ..models import (
    Citation,
    Collection,
    CollectionEntry,
    Country,
    Expert,
    Quote,
    QuoteSpeaker,
    Source,
    Topic,
    Total,
)
from ..querysets import published_rows

TOPICS = Quote.topics.through


def _count(rows):
    """``(SELECT COUNT(*) FROM rows)`` as an expression, 0 when there are none."""
    counted = rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _published_quotes(**lookups):
    return Quote.objects.filter(published_rows(), **lookups)


def _speaks(expert):
    return QuoteSpeaker.objects.filter(published_rows("quote__"), expert=expert)


# (model, field): the live count of one row (the row is ``OuterRef("pk")``).
LIVE = {
    (Expert, "statement_count"): lambda: _count(_speaks(OuterRef("pk"))),
    (Country, "statement_count"): lambda: _count(
        _published_quotes(
            pk__in=QuoteSpeaker.objects.filter(expert__country=OuterRef(OuterRef("pk"))).values(
                "quote"
            )
        )
    ),
    (Country, "expert_count"): lambda: _count(
        Expert.objects.filter(country=OuterRef("pk")).filter(Exists(_speaks(OuterRef("pk"))))
    ),
    (Topic, "statement_count"): lambda: _count(
        TOPICS.objects.filter(published_rows("quote__"), topic=OuterRef("pk"))
    ),
    (Collection, "statement_count"): lambda: _count(
        _published_quotes(
            pk__in=CollectionEntry.objects.filter(
                section__collection=OuterRef(OuterRef("pk"))
            ).values("quote")
        )
    ),
    (Source, "statement_count"): lambda: _count(
        _published_quotes(
            pk__in=Citation.objects.filter(source=OuterRef(OuterRef("pk"))).values("quote")
        )
    ),
}
MODELS = list(dict.fromkeys(model for model, _field in LIVE))


def _fields(model):
    return [field for counted, field in LIVE if counted is model]


def recount(model, pks=None):
    """Rewrite ``model``'s stored counts, of the rows ``pks`` (ids, or a queryset of ids)
    or of every row; then the archive's totals."""
    rows = model._base_manager.all()
    if pks is not None:
        rows = rows.filter(pk__in=pks)
    rows.update(**{field: LIVE[model, field]() for field in _fields(model)})


def live_totals():
    """{``Total.Name``: value}, counted now."""
    return {
        Total.Name.STATEMENTS: Quote.objects.published().count(),
        Total.Name.EXPERTS: Expert.objects.filter(statement_count__gt=0).count(),
        Total.Name.COUNTRIES: Country.objects.filter(statement_count__gt=0).count(),
        Total.Name.SOURCES: Source.objects.filter(statement_count__gt=0).count(),
    }


def recount_totals():
    for name, value in live_totals().items():
        if not Total.objects.filter(name=name).update(value=value):  # no signal, no lock
            Total.objects.create(name=name, value=value)


def totals():
    """{name: value} of the stored totals (0 for one never counted): one query."""
    stored = dict(Total.objects.values_list("name", "value"))
    return {name: stored.get(name, 0) for name in Total.Name.values}


class Concerned:
    """The rows whose counts a change concerns, gathered before and after it, recounted
    once (``recount()``) when the change is done."""

    def __init__(self):
        self.rows = {model: set() for model in MODELS}

    def add(self, model, pks):
        self.rows[model].update(pk for pk in pks if pk is not None)
        return self

    def add_quotes(self, quote_ids):
        """Everything a statement's publication changes: its speakers and their countries,
        its topics, collections and sources."""
        quote_ids = list(quote_ids)
        if not quote_ids:
            return self
        experts = set(
            QuoteSpeaker.objects.filter(quote__in=quote_ids).values_list("expert", flat=True)
        )
        self.add_experts(experts)
        self.add(Topic, TOPICS.objects.filter(quote__in=quote_ids).values_list("topic", flat=True))
        entries = CollectionEntry.objects.filter(quote__in=quote_ids)
        self.add(Collection, entries.values_list("section__collection", flat=True))
        self.add(
            Source, Citation.objects.filter(quote__in=quote_ids).values_list("source", flat=True)
        )
        return self

    def add_experts(self, expert_ids):
        expert_ids = {pk for pk in expert_ids if pk is not None}
        self.add(Expert, expert_ids)
        countries = Expert.objects.filter(pk__in=expert_ids).values_list("country", flat=True)
        self.add(Country, countries)
        return self

    def recount(self):
        # Experts first: nothing else reads their stored counts, but the totals do.
        for model in MODELS:
            if self.rows[model]:
                recount(model, sorted(self.rows[model]))
        if any(self.rows.values()):
            recount_totals()


def recount_everything():
    for model in MODELS:
        recount(model)
    recount_totals()


def differences():
    """``[(label, pk, stored, live)]`` of every stored count that differs from a live one."""
    found = []
    for (model, field), live in LIVE.items():
        rows = (
            model._base_manager.annotate(live_count=live())
            .exclude(**{field: F("live_count")})
            .values_list("pk", field, "live_count")
        )
        found += [(f"{model._meta.label}.{field}", pk, n, m) for pk, n, m in rows]
    stored = totals()
    for name, value in live_totals().items():
        if stored[name] != value:
            found.append((f"{Total._meta.label}.{name}", name, stored[name], value))
    return found
