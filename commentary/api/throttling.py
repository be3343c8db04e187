"""The API's rate limit, kept in the shared cache, tolerant of a cache server that went
away: while Redis is unreachable the API answers unthrottled (each failure logged by
``caching.tolerant``) rather than with a 500."""

from rest_framework.throttling import AnonRateThrottle

from ..caching import tolerant


class _TolerantCache:
    """The two calls DRF's throttles make on the cache, through ``caching.tolerant``."""

    def get(self, key, default=None):
        value = tolerant.get(key)
        return default if value is None else value

    def set(self, key, value, timeout=None):
        tolerant.set(key, value, timeout)


class AnonymousRateThrottle(AnonRateThrottle):
    cache = _TolerantCache()
