"""The archive's generation: a value that every change to what the archive shows replaces.

Caches key their entries by it (the page cache, cached facets), so an entry computed
before a change is never read after it: no list of keys to delete, nothing to forget.

It lives in Django's cache, which every server process sees (files on one machine by
default, Redis across machines). Each value is new (time and randomness, never a counter
incremented by read-then-write), so two processes moving it on at once cannot leave it at
a value a stale entry was stored under, even on a cache without atomic increments.

It moves on when a change is made and again when the transaction commits:
``on_commit`` is what makes it safe (a request that read the new value queries data the
commit already shows), the first move makes a change visible inside the transaction that
made it (the editor's next request in a test's transaction, or a shell's). A cache that
cannot be reached (or lost the value) gives ``None`` or a new value: nothing is then read
from the caches that key on it, never something stale.
"""

import logging
import secrets
import time

from django.core.cache import cache
from django.db import connection, transaction

from . import tolerant

logger = logging.getLogger(__name__)

KEY = "archive:generation"

# Rows no page or list shows by themselves: the status log (the statement's own save,
# which wrote it, has already moved the generation on), former slugs (the renamed
# record's save has) and the archive's totals (kept in the same transaction as the
# change they count).
NOT_SHOWN = {"statuschange", "formerslug", "total"}


def new_value():
    return f"{time.time_ns():x}-{secrets.token_hex(4)}"


def current():
    """The generation now, or ``None`` when the cache cannot be reached."""
    try:
        value = cache.get(KEY)
        if value is None:
            value = new_value()
            if not cache.add(KEY, value, timeout=None):
                value = cache.get(KEY) or value
        return value
    except Exception:  # the cache server is away: cache nothing, serve everything fresh
        logger.warning("cache unreachable: the archive's generation is unknown", exc_info=True)
        return None


def remember(key, compute, seconds=600):
    """``compute()``, kept for ``seconds`` under ``key`` and the current generation (so
    never read after a change); computed afresh when the cache cannot be reached."""
    value = current()
    if value is None:
        return compute()
    full = f"{key}@{value}"
    found = tolerant.get(full)
    if found is None:
        found = compute()
        tolerant.set(full, found, seconds)
    return found


def changed_at(value):
    """When ``value`` became the generation (seconds since the epoch)."""
    return int(value.split("-", 1)[0], 16) / 1e9


def bump():
    """Move the generation on. Never fails: a cache that cannot be written has nothing
    that could be read stale either (it logs and carries on)."""
    try:
        cache.set(KEY, new_value(), timeout=None)
    except Exception:
        logger.warning("cache unreachable: the generation was not moved on", exc_info=True)


def _bump_after_commit():
    bump()


def archive_changed(sender, action=None, **kwargs):
    """Receiver: a saved or deleted archive row, or a changed many-to-many set (after the
    change, not before it too), moves the generation on now and once more after the
    transaction commits (one callback per transaction, however many rows it writes)."""
    meta = sender._meta
    if meta.app_label != "commentary" or meta.model_name in NOT_SHOWN:
        return
    if action is not None and not action.startswith("post_"):
        return
    bump()
    if not connection.in_atomic_block:
        return  # autocommit: the row is already committed
    pending = connection.run_on_commit
    if not any(callback is _bump_after_commit for _sids, callback, _robust in pending):
        transaction.on_commit(_bump_after_commit)
