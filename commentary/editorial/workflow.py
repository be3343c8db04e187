"""The review workflow of statements and collections: draft → in review → published, withdrawn.

Editors write drafts and submit them for review (or take them back); publishers also publish
what is in review, withdraw what is published and reinstate what was withdrawn. Only
publishers change what the public sees: a published or withdrawn record, and the rows inside
it (speakers, citations, sections, entries), is read-only to editors.

Every change of status, by any path (admin form, action, changelist, import, management
command), is recorded as a ``StatusChange`` by ``record_transition`` (connected in
``receivers.py``), with the user of the surrounding django-reversion revision (none for
commands and imports).
"""

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ..models import (
    Affiliation,
    Citation,
    Collection,
    Expert,
    ExpertName,
    Organization,
    Outlet,
    Quote,
    QuoteSpeaker,
    Source,
    Status,
    StatusChange,
)

DRAFT, REVIEW, PUBLISHED, WITHDRAWN = (
    Status.DRAFT,
    Status.REVIEW,
    Status.PUBLISHED,
    Status.WITHDRAWN,
)

# (from, to) → does it need the publish permission?
TRANSITIONS = {
    (DRAFT, REVIEW): False,
    (REVIEW, DRAFT): False,
    (REVIEW, PUBLISHED): True,
    (PUBLISHED, WITHDRAWN): True,
    (WITHDRAWN, PUBLISHED): True,
}
# Statuses a record may be created with; publishers import published rows through commands.
INITIAL = {DRAFT: False, REVIEW: False}
PUBLIC_STATES = {PUBLISHED, WITHDRAWN}

ACTION_LABELS = {
    REVIEW: _("Submit for review"),
    DRAFT: _("Return to draft"),
    PUBLISHED: _("Publish"),
    WITHDRAWN: _("Withdraw"),
}


class TransitionError(Exception):
    pass


def reviewed_models():
    return (Quote, Collection)


def publish_permission(model):
    return f"{model._meta.app_label}.publish_{model._meta.model_name}"


def can_publish(user, model):
    return user.has_perm(publish_permission(model))


def can_edit(user, obj):
    """Editors change drafts and records in review; published and withdrawn ones are for
    publishers. ``obj`` is the statement or collection (None: a new one)."""
    if obj is None or obj.pk is None:
        return True
    current = obj.loaded_status or obj.status
    return current not in PUBLIC_STATES or can_publish(user, type(obj))


def allowed_statuses(user, obj, model):
    """The statuses ``user`` may give ``obj`` (None: a new record), the current one first."""
    publisher = can_publish(user, model)
    if obj is None or obj.pk is None:
        return [s for s, needs in INITIAL.items() if publisher or not needs]
    current = obj.loaded_status or obj.status
    targets = [
        to
        for (start, to), needs in TRANSITIONS.items()
        if start == current and (publisher or not needs)
    ]
    return [current, *targets]


def check_transition(user, obj, to):
    if to not in allowed_statuses(user, obj, type(obj)):
        raise TransitionError(
            _("You cannot move “%(record)s” from %(from)s to %(to)s.")
            % {
                "record": obj,
                "from": Status(obj.loaded_status or obj.status).label,
                "to": Status(to).label,
            }
        )


STORED = object()  # "the stored original": a form that does not show the field


def missing_for_publication(quote, speakers=None, citations=None, original=STORED):
    """Why ``quote`` cannot be published, as messages ([] when it can): it needs a speaker and
    a source, its own or, for a translation, its published original's.

    A form passes what it is about to save: the number of speaker and source rows it keeps
    and the original it names; otherwise the stored rows count."""
    if not isinstance(quote, Quote):
        return []
    if original is STORED:
        original = Quote.objects.filter(pk=quote.original_id).first() if quote.original_id else None
    inherits = original is not None and original.status == PUBLISHED
    missing = []
    for relation, entered, message in (
        ("speakers", speakers, _("no speaker")),
        ("citations", citations, _("no source")),
    ):
        if entered is None:
            entered = getattr(quote, relation).count() if quote.pk else 0
        if entered == 0 and not (inherits and getattr(original, relation).exists()):
            missing.append(message)
    if not missing:
        return []
    return [
        _(
            "“%(record)s” cannot be published: it has %(missing)s. Add the speakers (with "
            "their role at the time) and at least one source; a translation may instead "
            "name a published original that has them."
        )
        % {"record": quote, "missing": _(" and ").join(str(m) for m in missing)}
    ]


def left_incomplete_by_removing(rows):
    """Messages for the published statements that removing these speaker or citation rows
    (deleting them, or moving them to another statement) would leave without any."""
    problems = []
    for model, relation in ((QuoteSpeaker, "speakers"), (Citation, "citations")):
        ids = [row.pk for row in rows if isinstance(row, model) and row.pk]
        quotes = Quote.objects.published().filter(
            pk__in=model.objects.filter(pk__in=ids).values("quote")
        )
        for quote in quotes:
            left = getattr(quote, relation).exclude(pk__in=ids).count()
            problems += missing_for_publication(quote, **{relation: left})
    return problems


# What a statement's page shows of other records, seen from each: a change to one of these
# changes published statements, so editors leave it to a publisher (admin/protection.py).
_SHOWN_THROUGH = {
    Affiliation: (QuoteSpeaker, "affiliation"),
    Organization: (QuoteSpeaker, "affiliation__organization"),
    Expert: (QuoteSpeaker, "expert"),
    ExpertName: (QuoteSpeaker, "expert__other_names"),
    Outlet: (Citation, "source__outlet"),
    Source: (Citation, "source"),
}


def statements_using(obj, published_only=True):
    """The statements whose pages show ``obj`` (a role, organisation, expert, other name,
    outlet or source); none for other records."""
    if type(obj) not in _SHOWN_THROUGH or obj.pk is None:
        return Quote.objects.none()
    rows, path = _SHOWN_THROUGH[type(obj)]
    quotes = Quote.objects.published() if published_only else Quote.objects.all()
    return quotes.filter(pk__in=rows.objects.filter(**{path: obj}).values("quote"))


def translations_left_without_credits(quote):
    """Messages for the published translations that show ``quote``'s speakers or sources
    (having none of their own) and would lose them if ``quote`` stopped being published."""
    if not isinstance(quote, Quote) or quote.pk is None:
        return []
    if (quote.loaded_status or quote.status) != PUBLISHED:
        return []
    dependants = (
        Quote.objects.published()
        .filter(original=quote)
        .exclude(Quote.objects.credited_own("speakers") & Quote.objects.credited_own("citations"))
    )
    return [
        _(
            "“%(record)s” stays published while the published translation “%(translation)s” "
            "shows its speakers and sources; withdraw the translation first, or give it "
            "speakers and sources of its own."
        )
        % {"record": quote, "translation": translation}
        for translation in dependants[:10]
    ]


def check_complete(obj, to):
    if to == PUBLISHED and (problems := missing_for_publication(obj)):
        raise TransitionError(problems[0])
    if to != PUBLISHED and (problems := translations_left_without_credits(obj)):
        raise TransitionError(problems[0])


def transition(obj, to, user):
    """Move one record to status ``to`` as ``user``; recorded in history and the status log.
    Nothing incomplete is published (``missing_for_publication``)."""
    check_transition(user, obj, to)
    check_complete(obj, to)
    with transaction.atomic():
        obj.status = to
        obj.save()


def remember_status(sender, instance, **kwargs):
    """``pre_save`` receiver: a row saved without having been read (an import rewriting it)
    has its stored status looked up, so the log compares with what was there."""
    if instance.loaded_status is None and instance.pk is not None:
        instance.loaded_status = (
            sender._base_manager.filter(pk=instance.pk).values_list("status", flat=True).first()
        )


def record_transition(sender, instance, created=False, raw=False, **kwargs):
    """``post_save`` receiver: log a change of status (or a record's first status)."""
    before = None if created else instance.loaded_status
    if before == instance.status and not created:
        return
    user = reversion.get_user() if reversion.is_active() else None
    comment = (reversion.get_comment() if reversion.is_active() else "")[:500]
    StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(sender),
        object_id=instance.pk,
        from_status=before or "",
        to_status=instance.status,
        user=user if user is not None and user.is_authenticated else None,
        comment=comment,
    )
    instance.loaded_status = instance.status
