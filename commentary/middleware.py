"""Request hygiene shared by every surface."""

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _


class RejectNullBytesMiddleware:
    """Answer 400 to a query string carrying a NUL byte.

    No value in the archive can contain NUL (PostgreSQL text refuses it), so such a
    parameter is always malformed; without this, filters and searches would pass it to the
    database and fail with a server error. Forms already refuse NUL in submitted fields.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return HttpResponseBadRequest(
                    _("Malformed request: a parameter contains a NUL character."),
                    content_type="text/plain; charset=utf-8",
                )
        return self.get_response(request)


class RejectTooManyParametersMiddleware:
    """Answer 400 to a query string of more fields than ``DATA_UPLOAD_MAX_NUMBER_FIELDS``.

    Django refuses to parse such a query (``TooManyFieldsSent``, a 400), but under DEBUG
    its error page reads the query again to show it and fails with a 500. Counted as
    Django counts (one field per ``&``-separated part), before anything reads it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        query = request.META.get("QUERY_STRING", "")
        if limit is not None and query and query.count("&") + 1 > limit:
            return HttpResponseBadRequest(
                _("Malformed request: more than %(limit)d parameters.") % {"limit": limit},
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
