"""Request hygiene shared by every surface."""

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
