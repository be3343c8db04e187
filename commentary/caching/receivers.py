"""Where the caching room listens to the rest of the app: every receiver it has,
connected here and nowhere else (``apps.ready`` calls ``connect()``).

- ``post_save``, ``post_delete`` of every model, ``m2m_changed`` of every many-to-many:
  ``generation.archive_changed`` moves the archive's generation on, now and after the
  commit, so no cached page or facet count computed before a change is served after it
  (it ignores other apps' rows, the status log, former slugs and the totals, and the
  ``pre_`` half of a many-to-many change).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from . import generation

UID = "commentary.caching.generation"


def connect():
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(generation.archive_changed, dispatch_uid=UID)
