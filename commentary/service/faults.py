"""The database away: 503 with ``Retry-After``, never a 500 or a traceback.

``DatabaseUnavailableMiddleware`` turns a database error raised by a view or while its
template renders (``OperationalError``: refused, timed out, closed, cancelled by
``statement_timeout``; ``InterfaceError``: a connection already closed) into a short page
in both interface languages, or JSON under ``/api/``, logged as one warning line.
``server_error`` (``handler500``) does the same for one raised anywhere else on the way
(a middleware), and is Django's plain 500 otherwise.

Nothing here touches the database or the cache: the answer is built from a string.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.defaults import server_error as django_server_error

logger = logging.getLogger(__name__)

UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{title_en} · {title_zh}</title></head>
<body><main><h1>{title_en}</h1><p>{body_en}</p>
<h1 lang="zh-Hans">{title_zh}</h1><p lang="zh-Hans">{body_zh}</p></main></body></html>
"""


def _messages(language):
    with override(language):
        return (
            _("Temporarily unavailable"),
            _("The archive cannot reach its database just now. Please try again in a minute."),
        )


def unavailable(request):
    """The 503 answer: JSON for the API, a page in both languages for everything else."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": _messages(None)[1]}, status=503)
    else:
        title_en, body_en = _messages("en")
        title_zh, body_zh = _messages("zh-hans")
        html = PAGE.format(
            title_en=escape(title_en),
            body_en=escape(body_en),
            title_zh=escape(title_zh),
            body_zh=escape(body_zh),
        )
        response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def log(request, error):
    logger.warning(
        "database unavailable: %s %s: %s: %s",
        request.method,
        request.path,
        type(error).__name__,
        str(error).strip().splitlines()[0] if str(error).strip() else "",
    )


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, UNAVAILABLE):
            log(request, exception)
            return unavailable(request)
        return None


def server_error(request, template_name="500.html"):
    """``handler500``: 503 for a database error raised outside a view, 500 otherwise."""
    error = sys.exc_info()[1]
    if isinstance(error, UNAVAILABLE):
        return unavailable(request)
    return django_server_error(request, template_name)
