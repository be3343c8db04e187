"""Health checks for load balancers and service managers.

- ``/healthz``: the process answers. It touches neither the database nor the cache, so a
  database outage does not make the load balancer restart healthy servers.
- ``/readyz``: this server can serve the archive: the database answers ``SELECT 1``, the
  cache stores and returns a value, and no migration is waiting. 200 with
  ``{"status": "ok", "checks": {...}}``, or 503 with the check that failed named.

Both are JSON, never cached, and say nothing about the archive's contents.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@require_safe
@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


def database():
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def migrations():
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    waiting = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return "ok" if not waiting else f"{len(waiting)} unapplied"


def cache_server():
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    found = cache.get(key)
    cache.delete(key)
    return "ok" if found == "1" else "not stored"


CHECKS = {"database": database, "migrations": migrations, "cache": cache_server}


@require_safe
@never_cache
def readyz(request):
    checks = {}
    for name, check in CHECKS.items():
        if name == "migrations" and checks.get("database") != "ok":
            checks[name] = "not checked"
            continue
        try:
            checks[name] = check()
        except Exception as error:  # any failure is "not ready", named, never a 500
            checks[name] = f"unreachable: {type(error).__name__}"
            logger.warning("readyz: %s: %s", name, error)
    ready = all(result == "ok" for result in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )
