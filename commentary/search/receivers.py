"""Where the search room listens to the rest of the app: every receiver it has, connected
here and nowhere else (``apps.ready`` calls ``connect()``).

- ``post_save`` of ``Quote``: ``index.refresh_quote`` recomputes its documents.
- ``post_save``, ``post_delete`` of ``QuoteSpeaker`` and ``Citation``:
  ``index.refresh_linked_quote``, the statement's names changed.
- ``post_save``, ``post_delete`` of ``ExpertName``: ``index.refresh_expert_quotes``, an
  other spelling of a speaker.
- ``pre_save``, ``post_save`` of the ``index.WATCHED`` models (experts, organisations,
  outlets, sources, roles): ``index.remember_watched`` notes whether a field the names
  document holds changes, ``index.refresh_watched`` then refreshes the statements naming
  the record. A role still used by a speaker row cannot be deleted (PROTECT): no delete
  receiver is needed.
"""

from django.db.models.signals import post_delete, post_save, pre_save

from ..models import Citation, ExpertName, Quote, QuoteSpeaker
from . import index

UID = "commentary.search"


def connect():
    post_save.connect(index.refresh_quote, sender=Quote, dispatch_uid=f"{UID}.quote")
    for model in (QuoteSpeaker, Citation):
        uid = f"{UID}.{model._meta.model_name}"
        post_save.connect(index.refresh_linked_quote, sender=model, dispatch_uid=uid)
        post_delete.connect(index.refresh_linked_quote, sender=model, dispatch_uid=uid)
    uid = f"{UID}.expertname"
    post_save.connect(index.refresh_expert_quotes, sender=ExpertName, dispatch_uid=uid)
    post_delete.connect(index.refresh_expert_quotes, sender=ExpertName, dispatch_uid=uid)
    for model in index.WATCHED:
        uid = f"{UID}.watched.{model._meta.model_name}"
        pre_save.connect(index.remember_watched, sender=model, dispatch_uid=uid)
        post_save.connect(index.refresh_watched, sender=model, dispatch_uid=uid)
