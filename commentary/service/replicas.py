"""Read replicas: anonymous reads from a PostgreSQL streaming replica, everything else from
the primary, with read-your-writes.

``ReplicaMiddleware`` decides per request, ``ReplicaRouter`` applies the decision to every
query of it (through a context variable, so a management command, a background thread or
a request the middleware did not choose for stays on the primary):

- The primary for any request that is not GET, HEAD or OPTIONS, for the admin, and for a
  browser that wrote something within ``REPLICA_PIN_SECONDS``: a write's answer sets a
  short-lived cookie that pins its next requests to the primary (an editor sees a publish
  at once, whatever the replicas' lag).
- Otherwise a replica that answered its last check and lags by at most
  ``REPLICA_MAX_LAG`` seconds (each process checks each replica at most every
  ``REPLICA_CHECK_SECONDS``; lag is 0 when everything received is replayed, else the time
  since the last replayed commit); none such: the primary.
- An answer read from a replica is kept in the page cache no longer than
  ``REPLICA_MAX_LAG`` (it may be that far behind the generation it is stored under), so a
  reader sees a publish within twice the lag limit at worst.
- A replica failing in the middle of a read is marked down and the read is answered again
  from the primary, so a replica going away costs no reader an error.

Writes and migrations go to the primary only (``db_for_write``, ``allow_migrate``).
"""

import contextvars
import logging
import random
import threading
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

PIN_COOKIE = "archive_primary"
READS = {"GET", "HEAD", "OPTIONS"}
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN NULL
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
END, pg_is_in_recovery()
"""

_reading_from = contextvars.ContextVar("reading_from", default=None)


def replica_aliases():
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return _reading_from.get()  # None: the primary

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replicas hold the primary's data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class Health:
    """Each replica's last check in this process: ``(checked at, usable)``."""

    def __init__(self):
        self.checked = {}
        self.lock = threading.Lock()

    def usable(self, alias):
        now = time.monotonic()
        with self.lock:
            checked_at, usable = self.checked.get(alias, (None, False))
        if checked_at is not None and now - checked_at < settings.REPLICA_CHECK_SECONDS:
            return usable
        usable = self.check(alias)
        with self.lock:
            self.checked[alias] = (now, usable)
        return usable

    def check(self, alias):
        connection = connections[alias]
        try:
            with connection.cursor() as cursor:
                cursor.execute(LAG_SQL)
                lag, in_recovery = cursor.fetchone()
        except (OperationalError, InterfaceError) as error:
            logger.warning("replica %s unreachable: %s", alias, str(error).strip()[:200])
            connection.close()
            return False
        if not in_recovery:
            logger.warning("replica %s is not in recovery: not a replica, not used", alias)
            return False
        if lag is None or float(lag) > settings.REPLICA_MAX_LAG:
            logger.warning("replica %s lags %s s: reading from the primary", alias, lag)
            return False
        return True

    def down(self, alias):
        with self.lock:
            self.checked[alias] = (time.monotonic(), False)


health = Health()


def choose_replica():
    usable = [alias for alias in replica_aliases() if health.usable(alias)]
    return random.choice(usable) if usable else None  # noqa: S311 (spreading load)


def pinned(request):
    if request.method not in READS:
        return True
    if request.path_info.lstrip("/").startswith(settings.ADMIN_URL):
        return True
    try:
        return float(request.COOKIES.get(PIN_COOKIE, "0")) > time.time()
    except ValueError:
        return False


class ReplicaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = bool(replica_aliases())

    def __call__(self, request):
        if not self.enabled:
            return self.get_response(request)
        alias = None if pinned(request) else choose_replica()
        token = _reading_from.set(alias)
        if alias:
            # The page cache keeps an answer from a replica no longer than its lag limit.
            request.page_cache_seconds = max(1, int(settings.REPLICA_MAX_LAG))
        try:
            request.replica = alias
            response = self.get_response(request)
            if getattr(request, "replica_failed", False):
                _reading_from.set(None)
                request.replica = None
                response = self.get_response(request)
        finally:
            _reading_from.reset(token)
        if request.method not in READS and response.status_code < 500:
            until = time.time() + settings.REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                f"{until:.0f}",
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_exception(self, request, exception):
        alias = getattr(request, "replica", None)
        if alias and isinstance(exception, (OperationalError, InterfaceError)):
            logger.warning("replica %s failed a read: answering from the primary", alias)
            health.down(alias)
            connections[alias].close()
            request.replica_failed = True
        return None
