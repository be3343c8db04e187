"""Prometheus metrics at ``/metrics``: off unless ``DJANGO_METRICS_TOKEN`` is set, and then
only for a scraper that sends it (``Authorization: Bearer <token>``); anyone else gets a
404, as if there were nothing there.

With the token set, django-prometheus (``archive/settings.py``) counts requests and their
latency by view, database queries and errors by database, and the page cache counts its
hits and misses (``archive_page_cache_requests_total``, ``caching/pages.py``). Under
gunicorn, set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory so that every worker's
counts are added up (``gunicorn.conf.py`` removes a dead worker's).
"""

import hmac

from django.conf import settings
from django.http import Http404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
@never_cache
def metrics(request):
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        raise Http404
    from django_prometheus.exports import ExportToDjangoView

    return ExportToDjangoView(request)
