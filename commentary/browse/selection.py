"""The statements a list's query string selects, for every surface that takes it.

The list pages (``listing.py``), the exports, the feeds, the citations of a list and the
API all read the same parameters the same way, and answer invalid ones the same way: a 400
that names each invalid parameter with its messages, never a 500, never silently
everything.
"""

from django.http import JsonResponse

from ..models import Quote
from .filters import QuoteFilterSet


def selected_statements(params, queryset=None, request=None):
    """``(filterset, rows)``: the published statements the filters in ``params`` select, in
    the list's order, for every surface that takes the list's parameters (exports, feeds,
    citations of a list, the API). ``rows`` is None when a filter is invalid; the caller
    answers 400 with ``filter_errors(filterset)``."""
    if queryset is None:
        queryset = Quote.objects.published()
    filterset = QuoteFilterSet(params, queryset=queryset, request=request)
    if not filterset.is_valid():
        return filterset, None
    return filterset, filterset.qs


def filter_errors(filterset):
    """The invalid filters as ``{parameter: [message, ...]}`` in the active language."""
    return {name: [str(m) for m in messages] for name, messages in filterset.errors.items()}


def invalid_filters_response(filterset):
    """The 400 of every machine surface (exports, downloads, feeds) for invalid filters:
    ``{"errors": {parameter: [message, ...]}}``, as the API answers."""
    return JsonResponse(
        {"errors": filter_errors(filterset)}, status=400, json_dumps_params={"ensure_ascii": False}
    )
