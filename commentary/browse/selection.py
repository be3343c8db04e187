"""The statements a list's query string selects, for every surface that takes it, and
the chips that say in words which filters are active (above a list, in a feed's title).

The list pages (``listing.py``), the exports, the feeds, the citations of a list and the
API all read the same parameters the same way, and answer invalid ones the same way: a 400
that names each invalid parameter with its messages, never a 500, never silently
everything.
"""

from dataclasses import dataclass

from django.http import JsonResponse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ..dates import format_partial_date
from ..links import query_url
from ..models import Quote, Region, Source
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


@dataclass
class ActiveFilter:
    label: str
    value: str
    remove_url: str


def chosen_countries(filterset):
    """The valid, normalised codes of the ``country`` filter (the form strips and uppercases)."""
    return [country.code for country in filterset.form.cleaned_data.get("country") or ()]


def active_filters(filterset, params):
    """One chip per active filter value, each with a link that removes it."""
    data = filterset.form.cleaned_data
    chips = []

    def add(label, value, **removal):
        chips.append(ActiveFilter(str(label), str(value), query_url(params, **removal)))

    if data.get("q"):
        add(_("Words"), data["q"], q=None)
    for country in data.get("country") or ():
        remaining = [c for c in chosen_countries(filterset) if c != country.code]
        add(_("Country"), country.display_name, country=remaining)
    labels = {
        "region": dict(Region.choices),
        "source_kind": dict(Source.Kind.choices),
        "language": dict(Quote.Language.choices),
        "kind": dict(Quote.Kind.choices),
    }
    for name in ("region", "language", "kind", "source_kind"):
        if data.get(name):
            add(filterset.filters[name].label, capfirst(labels[name][data[name]]), **{name: None})
    for name in ("expert", "organization", "outlet", "topic", "collection"):
        if data.get(name):
            add(filterset.filters[name].label, data[name].display_name, **{name: None})
    if data.get("source"):
        add(filterset.filters["source"].label, data["source"], source=None)
    for name in ("date_from", "date_to"):
        if data.get(name):
            add(filterset.filters[name].label, format_partial_date(*data[name]), **{name: None})
    return chips
