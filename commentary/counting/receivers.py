"""Where the counting room listens to the rest of the app: every receiver it has,
connected here and nowhere else (``apps.ready`` calls ``connect()``). Each recounts, in
the transaction of the change, the stored counts the change concerns (``stored.Concerned``).

- ``pre_save``, ``post_save`` of ``Quote``: ``remember_quote`` notes the stored status,
  ``quote_saved`` recounts what the statement touches when it is published, withdrawn or
  unpublished (a new or edited draft changes no count).
- ``pre_delete``, ``post_delete`` of ``Quote``: ``remember_deleted_quote`` gathers what a
  statement touches before it goes, ``recount_remembered`` recounts it after.
- ``pre_save``, ``post_save``, ``post_delete`` of ``QuoteSpeaker``, ``Citation``,
  ``CollectionEntry``: ``remember_row`` notes the row's stored statement and record,
  ``row_changed`` recounts the records it pointed to before and after.
- ``m2m_changed`` of ``Quote.topics``: ``topics_changed`` recounts the topics (and, for
  ``clear()``, those it had).
- ``pre_save``, ``post_save`` of ``Expert``: ``remember_row`` notes the stored country,
  ``row_changed`` recounts the countries before and after when it changes.
- ``post_save`` of every counted model: ``recount_itself``, so that a row written whole
  (a fixture, a revert, a form opened before a publish) never keeps a stale count.
- ``post_delete`` of ``Expert``: ``row_changed`` recounts its country.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from ..choices import Status
from ..models import (
    Citation,
    Collection,
    CollectionEntry,
    CollectionSection,
    Expert,
    Quote,
    QuoteSpeaker,
    Source,
)
from . import stored

UID = "commentary.counting"

# Rows that point a statement at a counted record: (the record's model, its field) — a
# collection entry points at its section, whose collection is counted.
POINTERS = {
    QuoteSpeaker: (Expert, "expert_id"),
    Citation: (Source, "source_id"),
    CollectionEntry: (Collection, "section__collection"),
}


def _is_published(quote_id):
    return Quote.objects.published().filter(pk=quote_id).exists()


def remember_quote(sender, instance, raw=False, **kwargs):
    if instance.pk is None:
        instance._counted_status = None
    else:
        instance._counted_status = (
            Quote._base_manager.filter(pk=instance.pk).values_list("status", flat=True).first()
        )


def quote_saved(sender, instance, created=False, raw=False, **kwargs):
    before = getattr(instance, "_counted_status", None)
    if before != instance.status and Status.PUBLISHED in (before, instance.status):
        stored.Concerned().add_quotes([instance.pk]).recount()


def remember_deleted_quote(sender, instance, **kwargs):
    instance._concerned = stored.Concerned().add_quotes([instance.pk])


def recount_remembered(sender, instance, **kwargs):
    concerned = getattr(instance, "_concerned", None)
    if concerned is not None:
        concerned.recount()


def _pointed(sender, instance):
    """(statement id, record id) a row points at, as stored now (None, None when new)."""
    _model, field = POINTERS[sender]
    if field.endswith("_id"):
        return instance.quote_id, getattr(instance, field)
    section = CollectionSection._base_manager.filter(pk=instance.section_id)
    return instance.quote_id, section.values_list("collection", flat=True).first()


def remember_row(sender, instance, raw=False, **kwargs):
    if sender is Expert:
        instance._counted_before = (
            Expert._base_manager.filter(pk=instance.pk).values_list("country", flat=True).first()
            if instance.pk
            else None
        )
        return
    before = sender._base_manager.filter(pk=instance.pk).first() if instance.pk else None
    instance._counted_before = _pointed(sender, before) if before is not None else None


def row_changed(sender, instance, raw=False, **kwargs):
    """After a save (``_counted_before`` is the stored row's) or a delete (it is not set)."""
    before = instance.__dict__.pop("_counted_before", None)
    concerned = stored.Concerned()
    if sender is Expert:  # its own count: recount_itself; its country's, if it moved
        if before != instance.country_id:
            concerned.add(stored.Country, [before, instance.country_id]).recount()
        return
    model, _field = POINTERS[sender]
    now = _pointed(sender, instance)
    if before == now:  # the same statement and record: another field changed
        return
    for quote_id, record in {now, before} - {None}:
        if _is_published(quote_id):
            if model is Expert:
                concerned.add_experts([record])
            else:
                concerned.add(model, [record])
    concerned.recount()


def topics_changed(sender, instance, action, reverse, pk_set=None, **kwargs):
    if action == "pre_clear":
        if reverse:
            instance._cleared_topics = {instance.pk}
        else:
            instance._cleared_topics = set(instance.topics.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if action == "post_clear":
        topics = getattr(instance, "_cleared_topics", set())
    else:
        topics = {instance.pk} if reverse else set(pk_set or ())
    stored.Concerned().add(stored.Topic, topics).recount()


def recount_itself(sender, instance, **kwargs):
    stored.recount(sender, [instance.pk])


def connect():
    pre_save.connect(remember_quote, sender=Quote, dispatch_uid=f"{UID}.quote")
    post_save.connect(quote_saved, sender=Quote, dispatch_uid=f"{UID}.quote")
    pre_delete.connect(remember_deleted_quote, sender=Quote, dispatch_uid=f"{UID}.quote")
    post_delete.connect(recount_remembered, sender=Quote, dispatch_uid=f"{UID}.quote")
    for model in (*POINTERS, Expert):
        uid = f"{UID}.row.{model._meta.model_name}"
        pre_save.connect(remember_row, sender=model, dispatch_uid=uid)
        post_save.connect(row_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(row_changed, sender=model, dispatch_uid=uid)
    m2m_changed.connect(topics_changed, sender=Quote.topics.through, dispatch_uid=f"{UID}.topics")
    for model in stored.MODELS:
        uid = f"{UID}.itself.{model._meta.model_name}"
        post_save.connect(recount_itself, sender=model, dispatch_uid=uid)
