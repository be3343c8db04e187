"""A database that stopped answering: fail the request instead of holding the worker.

A stopped PostgreSQL closes its connections, and a new one fails within the driver's
``connect_timeout``. A *frozen* one (its process stopped, its machine paused, the network
gone) leaves an open connection waiting for an answer that never comes, and
``statement_timeout`` cannot help: the server is the one that would enforce it. The
request would hang until gunicorn kills the worker; two such requests stall the site.

``DatabaseWaitMiddleware`` registers each request's connection with one watchdog thread
per process. Every ``INTERVAL`` seconds the watchdog looks at each registered connection:
when it has been busy with the same operation (libpq's transaction status ``ACTIVE``,
the request's query count unchanged; Django's health check ``SELECT 1`` counts too) for
longer than ``DATABASE_WAIT_LIMIT`` seconds, it shuts the connection's socket down. The
waiting call then fails at once with ``OperationalError``, which ``faults`` answers with a
503; Django drops the connection, and the next request connects afresh.

``DATABASE_WAIT_LIMIT`` is longer than the server's ``statement_timeout``, so a slow query
is cancelled by the server first, as usual; and shorter than gunicorn's worker timeout.
Only PostgreSQL connections are watched (SQLite has no server to wait for).
"""

import logging
import os
import socket
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

INTERVAL = 0.25


@dataclass
class _Watched:
    wrapper: object  # the request thread's DatabaseWrapper
    queries: int = 0
    seen: int = -1
    busy_since: float | None = None


class Watchdog:
    def __init__(self, limit):
        self.limit = limit
        self.watched = {}
        self.lock = threading.Lock()
        self.thread = None

    def start(self):
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self.loop, daemon=True, name="db-watchdog")
                self.thread.start()

    def watch(self, key, wrapper):
        self.start()
        entry = _Watched(wrapper)
        with self.lock:
            self.watched[key] = entry
        return entry

    def forget(self, key):
        with self.lock:
            self.watched.pop(key, None)

    def loop(self):
        while True:
            time.sleep(INTERVAL)
            with self.lock:
                entries = list(self.watched.values())
            now = time.monotonic()
            for entry in entries:
                self.look(entry, now)

    def look(self, entry, now):
        connection = entry.wrapper.connection
        if connection is None or connection.closed:
            entry.busy_since = None
            return
        if connection.info.transaction_status != ACTIVE:
            entry.busy_since = None
            return
        if entry.busy_since is None or entry.seen != entry.queries:
            entry.busy_since, entry.seen = now, entry.queries
            return
        waited = now - entry.busy_since
        if waited > self.limit:
            entry.busy_since = None
            cut(connection, waited)


def cut(connection, waited):
    """Shut the connection's socket down: the call waiting on it fails at once."""
    try:
        fd = connection.pgconn.socket
        with socket.socket(fileno=os.dup(fd)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        return
    logger.warning(
        "database gave no answer for %.0f s: connection cut (DATABASE_WAIT_LIMIT)", waited
    )


try:
    from psycopg.pq import TransactionStatus

    ACTIVE = TransactionStatus.ACTIVE
except ImportError:  # SQLite only: nothing to watch
    ACTIVE = None

_watchdog = None


def watchdog():
    global _watchdog
    if _watchdog is None:
        _watchdog = Watchdog(settings.DATABASE_WAIT_LIMIT)
    return _watchdog


class DatabaseWaitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.aliases = [
            alias
            for alias, database in settings.DATABASES.items()
            if database["ENGINE"].endswith("postgresql")
        ]
        self.enabled = ACTIVE is not None and self.aliases and settings.DATABASE_WAIT_LIMIT > 0

    def __call__(self, request):
        if not self.enabled:
            return self.get_response(request)
        thread = threading.get_ident()
        with ExitStack() as stack:
            for alias in self.aliases:  # the primary and any replica the request reads
                wrapper = connections[alias]
                key = (thread, alias)
                entry = watchdog().watch(key, wrapper)
                stack.callback(watchdog().forget, key)
                stack.enter_context(wrapper.execute_wrapper(counter(entry)))
            return self.get_response(request)


def counter(entry):
    def count(execute, sql, params, many, context):
        entry.queries += 1
        return execute(sql, params, many, context)

    return count
