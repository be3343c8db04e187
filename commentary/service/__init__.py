"""Running the archive as a service: what it does when the machinery under it fails, and
what it tells the machinery over it.

- ``faults.py``: the database or the cache away. A page answers 503 with ``Retry-After``
  and a short page in both languages (the API: JSON), never a traceback or a 500, and the
  next request after the database is back is served as usual (Django's connection health
  checks drop the broken connection).
- ``watchdog.py``: a database that stopped answering without closing its connections (a
  frozen server, a lost network) fails a request after ``DJANGO_DB_WAIT_LIMIT`` seconds
  instead of holding the worker until the server kills it.
- ``replicas.py``: anonymous reads from a streaming replica that answers and keeps up,
  everything else (and a browser's reads just after its own write) from the primary.
- ``health.py``: ``/healthz`` (the process answers) and ``/readyz`` (database, cache and
  migrations), for load balancers.
- ``metrics.py``: ``/metrics`` for Prometheus, only with a token.
- ``requestlog.py``: a request id on every log line, one line per request.
- ``backup.py``: ``manage.py backup`` and ``restore`` (pg_dump's custom format, or SQLite's
  online backup).

It knows nothing of the archive's data: it imports only the leaf helpers.
"""
