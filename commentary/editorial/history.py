"""History of every editorial record, kept by django-reversion.

A save inside a revision (every admin view, ``load_seed``, ``loaddata``, merges, workflow
actions) stores a serialized copy of the record with who and when. A statement's revision
also holds its speakers and citations, an expert's holds its roles and other names, and a
collection's its sections and their entries, so reverting a statement restores who said it
and where, not just the words.

Two rules make history work with optimistic locking (django-concurrency) and the workflow:

- Restoring a stored version is an edit on top of the latest state: the restored row takes
  the row's current lock number, so the save goes through the normal check instead of
  failing against an old number, and a form opened before someone else's save is still
  refused.
- Reverting restores content, never the workflow state: a statement keeps its current status
  (a version that was published once cannot be republished by an editor's revert), and a
  recovered deleted record comes back as a draft.
"""

import contextlib
from contextvars import ContextVar

import reversion
from django.core.serializers import json as json_serializer

from .. import models

FORMAT = "archive_json"  # SERIALIZATION_MODULES in settings points here.
_restoring = ContextVar("restoring", default=False)

# model: reverse relations saved in the same revision.
FOLLOW = {
    models.Quote: ["speakers", "citations"],
    models.QuoteSpeaker: [],
    models.Citation: [],
    models.Expert: ["affiliations", "other_names"],
    models.ExpertName: [],
    models.Affiliation: [],
    models.Organization: [],
    models.Outlet: [],
    models.Source: [],
    models.Topic: [],
    models.Country: [],
    models.Collection: ["sections"],
    models.CollectionSection: ["entries"],
    models.CollectionEntry: [],
}
# Derived columns: rebuilt from the rest, not worth keeping in every version.
EXCLUDE = {
    models.Quote: ["search_text", "search_names"],
    # Stored counts (counting/): a revert must not bring an old count back.
    **{
        model: [field.name for field in model._meta.fields if field.name.endswith("_count")]
        for model in (models.Country, models.Expert, models.Topic, models.Source)
    },
    models.Collection: ["statement_count"],
}


def register():
    for model, follow in FOLLOW.items():
        if not reversion.is_registered(model):
            reversion.register(model, follow=follow, exclude=EXCLUDE.get(model, ()), format=FORMAT)


@contextlib.contextmanager
def restoring():
    """Inside: stored versions being deserialized are about to be saved back (a revert)."""
    token = _restoring.set(True)
    try:
        yield
    finally:
        _restoring.reset(token)


def adopt_current_state(instance, keep_status):
    """Give ``instance`` (about to be saved raw) the row's current lock number and, if
    ``keep_status``, its current workflow status; a row that no longer exists comes back as
    a draft."""
    model = type(instance)
    fields = ["version", "status"] if keep_status else ["version"]
    current = model._base_manager.filter(pk=instance.pk).values(*fields).first()
    if current is not None:
        instance.version = current["version"]
        if keep_status:
            instance.status = current["status"]
            instance.loaded_status = current["status"]
        return
    instance.version = max(instance.version or 0, 1)
    if keep_status:
        instance.status = models.Status.DRAFT


def Deserializer(stream_or_string, **options):
    for deserialized in json_serializer.Deserializer(stream_or_string, **options):
        if _restoring.get():
            obj = deserialized.object
            adopt_current_state(obj, keep_status=hasattr(obj, "loaded_status"))
        yield deserialized


Serializer = json_serializer.Serializer


def raw_save_adopts_version(sender, instance, raw=False, **kwargs):
    """``pre_save`` receiver: fixtures (``loaddata``, ``load_seed``) rewrite rows without
    reading them first; they take the current lock number so the import is not refused."""
    if raw and sender in FOLLOW:
        adopt_current_state(instance, keep_status=False)


@contextlib.contextmanager
def recorded(comment, user=None):
    """A revision around a command's or import's changes (nested: joins the outer one)."""
    if reversion.is_active():
        yield
        return
    with reversion.create_revision():
        reversion.set_comment(comment[:200])
        if user is not None:
            reversion.set_user(user)
        yield
