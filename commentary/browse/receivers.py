"""Where the browsing room listens to the rest of the app: every receiver it has,
connected here and nowhere else (``apps.ready`` calls ``connect()``).

- ``post_save``, ``post_delete`` of every model, ``m2m_changed`` of every many-to-many:
  ``facets.archive_changed`` moves the archive's version on, so cached facet counts of
  large lists are never served stale (it ignores other apps' rows, the status log and
  former slugs, and the ``pre_`` half of a many-to-many change).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from . import facets

UID = "commentary.browse.facets"


def connect():
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(facets.archive_changed, dispatch_uid=UID)
