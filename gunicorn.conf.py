"""gunicorn, the production server (``make serve``): settings read from the environment.

- ``GUNICORN_BIND`` (default ``127.0.0.1:8000``): behind a reverse proxy on this machine.
- ``GUNICORN_WORKERS`` (default 2 × CPUs + 1): synchronous worker processes. Each keeps
  one database connection open (``DJANGO_CONN_MAX_AGE``); many workers on many machines
  go through PgBouncer in transaction mode (README, "Deploying on PostgreSQL").
- ``GUNICORN_TIMEOUT`` (default 30 s): a worker silent for longer is killed and replaced;
  ``graceful_timeout`` lets requests in flight finish on ``SIGHUP`` (reload) or ``SIGTERM``.
- Access and error logs go to standard output and error, for the service manager.
- ``PROMETHEUS_MULTIPROC_DIR``: an empty directory, with ``DJANGO_METRICS_TOKEN``, for
  metrics added up over every worker (README, "Metrics and logs").
- ``max_requests`` (with jitter) recycles each worker now and then, so that no leak grows.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
wsgi_app = "archive.wsgi:application"


def child_exit(server, worker):
    """With metrics across workers (PROMETHEUS_MULTIPROC_DIR), forget a dead worker's gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
