"""Django's cache, tolerant of a cache server that went away: a read that fails is a miss,
a write that fails is skipped, each logged as a warning. Pages are then computed afresh,
never an error (a Redis restart must not take the archive down)."""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def get(key):
    try:
        return cache.get(key)
    except Exception:
        logger.warning("cache unreachable: reading %s", key, exc_info=True)
        return None


def set(key, value, seconds):
    try:
        cache.set(key, value, seconds)
    except Exception:
        logger.warning("cache unreachable: writing %s", key, exc_info=True)


def add(key, value, seconds):
    """Whether ``key`` was absent and now holds ``value`` (False when unreachable)."""
    try:
        return cache.add(key, value, seconds)
    except Exception:
        logger.warning("cache unreachable: adding %s", key, exc_info=True)
        return False


def delete(key):
    try:
        cache.delete(key)
    except Exception:
        logger.warning("cache unreachable: deleting %s", key, exc_info=True)


def get_many(keys):
    """``{key: value}`` of the keys found (none when unreachable)."""
    try:
        return cache.get_many(keys)
    except Exception:
        logger.warning("cache unreachable: reading %d keys", len(keys), exc_info=True)
        return {}
