"""The search index: two document columns on each statement, kept in step with the data.

``Quote.search_text`` holds the statement's own words, ``Quote.search_names`` the names
its search should also find: every name of every speaker (Latin, Chinese, other
spellings), the organisation of the role they spoke in (name, Chinese name, acronym),
and the outlet and title of every source citing it. They are built by ``text.document()``
and ``text.names_document()``.

The engines that index these columns (a ``tsvector`` with GIN on PostgreSQL, FTS5 on
SQLite) are in ``fulltext.py``.

Every save or delete that changes what a statement's document contains refreshes the
documents of the statements concerned (the receivers below, connected in
``receivers.py``); raw saves from ``loaddata`` too, since each object refreshes the
statements it touches whatever order the fixture has. Bulk loads that bypass signals
(``generate_archive``) write the documents themselves, and ``rebuild_search_index``
recomputes everything.
"""

import contextlib
from collections import defaultdict
from contextvars import ContextVar

from django.apps import apps as installed_apps
from django.db import connection

from ..models import (
    Affiliation,
    Citation,
    Expert,
    Organization,
    Outlet,
    QuoteSpeaker,
    Source,
)
from . import text as words

CHUNK = 2000
_deferred = ContextVar("deferred_refresh", default=None)


@contextlib.contextmanager
def deferred():
    """Inside: every refresh is noted and done once, when the block ends without an error
    (an import saves each statement's speakers and citations one by one: one refresh per
    statement instead of one per row). Nested blocks join the outer one."""
    if _deferred.get() is not None:
        yield
        return
    pending = set()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    refresh(pending)


def names_by_quote(quote_ids, apps=installed_apps):
    """{quote id: [names its search finds]} for ``quote_ids``, in three queries.

    ``apps`` is a registry of models: the installed ones, or a migration's.
    """
    QuoteSpeaker, ExpertName, Citation = (
        apps.get_model("commentary", name) for name in ("QuoteSpeaker", "ExpertName", "Citation")
    )
    names = defaultdict(list)
    speakers = QuoteSpeaker.objects.filter(quote__in=quote_ids).values_list(
        "quote",
        "expert",
        "expert__name",
        "expert__name_zh",
        "affiliation__organization__name",
        "affiliation__organization__name_zh",
        "affiliation__organization__short_name",
    )
    experts = defaultdict(list)
    for quote, expert, *spellings in speakers:
        names[quote].extend(spellings)
        experts[expert].append(quote)
    for expert, name in ExpertName.objects.filter(expert__in=list(experts)).values_list(
        "expert", "name"
    ):
        for quote in experts[expert]:
            names[quote].append(name)
    citations = Citation.objects.filter(quote__in=quote_ids).values_list(
        "quote", "source__title", "source__outlet__name", "source__outlet__name_zh"
    )
    for quote, *spellings in citations:
        names[quote].extend(spellings)
    return names


def refresh(quote_ids, apps=installed_apps):
    """Recompute the documents of the statements ``quote_ids`` (an iterable of ids)."""
    pending = _deferred.get()
    if pending is not None:
        pending.update(quote_ids)
        return
    Quote = apps.get_model("commentary", "Quote")
    quote_ids = sorted(set(quote_ids))
    for offset in range(0, len(quote_ids), CHUNK):
        chunk = quote_ids[offset : offset + CHUNK]
        names = names_by_quote(chunk, apps)
        quotes = list(Quote.objects.filter(pk__in=chunk).only("pk", "text"))
        for quote in quotes:
            quote.search_text = words.document(quote.text)
            quote.search_names = words.names_document(names[quote.pk])
        Quote.objects.bulk_update(quotes, ["search_text", "search_names"], batch_size=500)


def rebuild(progress=None, apps=installed_apps):
    """Recompute every statement's documents (then ``optimise()``)."""
    Quote = apps.get_model("commentary", "Quote")
    ids = list(Quote.objects.order_by("pk").values_list("pk", flat=True))
    for offset in range(0, len(ids), CHUNK * 10):
        refresh(ids[offset : offset + CHUNK * 10], apps)
        if progress:
            progress(min(offset + CHUNK * 10, len(ids)), len(ids))
    return len(ids)


def optimise():
    """Let the engine re-read and tidy its index after a bulk change."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for command in ("rebuild", "optimize"):
                cursor.execute(
                    "INSERT INTO commentary_quote_fts(commentary_quote_fts) VALUES (%s)", [command]
                )
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE commentary_quote")


# Keeping documents in step -------------------------------------------------------------

# Fields whose change alters some statement's names document.
WATCHED = {
    Expert: ("name", "name_zh"),
    Organization: ("name", "name_zh", "short_name"),
    Outlet: ("name", "name_zh"),
    Source: ("title", "outlet_id"),
    Affiliation: ("organization_id",),
}


def quotes_of(instance):
    """Ids of the statements whose names document mentions ``instance``."""
    if isinstance(instance, Expert):
        speakers = QuoteSpeaker.objects.filter(expert=instance)
    elif isinstance(instance, Organization):
        speakers = QuoteSpeaker.objects.filter(affiliation__organization=instance)
    elif isinstance(instance, Affiliation):
        speakers = QuoteSpeaker.objects.filter(affiliation=instance)
    elif isinstance(instance, Outlet):
        return Citation.objects.filter(source__outlet=instance).values_list("quote", flat=True)
    elif isinstance(instance, Source):
        return Citation.objects.filter(source=instance).values_list("quote", flat=True)
    else:
        raise TypeError(instance)
    return speakers.values_list("quote", flat=True)


def remember_watched(sender, instance, raw=False, **kwargs):
    """Before saving: note whether a watched field changes (always, for a new row)."""
    fields = WATCHED[sender]
    before = sender.objects.filter(pk=instance.pk).values(*fields).first() if instance.pk else None
    instance._search_changed = before is None or any(
        before[name] != getattr(instance, name) for name in fields
    )


def refresh_watched(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:
        return  # a new row: no statement can name it yet
    if getattr(instance, "_search_changed", True):
        refresh(quotes_of(instance))


def refresh_quote(sender, instance, raw=False, **kwargs):
    refresh([instance.pk])


def refresh_linked_quote(sender, instance, **kwargs):
    """A speaker or citation row changed: its statement's names changed."""
    refresh([instance.quote_id])


def refresh_expert_quotes(sender, instance, **kwargs):
    """An other spelling of an expert was added, changed or removed."""
    refresh(
        QuoteSpeaker.objects.filter(expert_id=instance.expert_id).values_list("quote", flat=True)
    )
