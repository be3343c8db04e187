"""One filterable, faceted, paginated list of statements, shared by every page that has one.

``/quotes/`` lists the whole archive; the expert, country, organisation, outlet, source,
topic and collection pages list their own statements with the same filters, minus the
one the page is about.
"""

from django.http import JsonResponse
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .facets import (
    FACET_SAMPLE,
    active_filters,
    cached_facets,
    chosen_countries,
    query_url,
    statement_facets,
)
from .filters import QuoteFilterSet, Sort
from .models import Country, Expert, Quote
from .pagination import COUNT_CAP, numbered_page, statement_page
from .search import highlight, parse_query

# Statement cards show at most about this many characters of a long text around a match.
SNIPPET_WIDTH = 600


def statement_listing(request, queryset, exclude=()):
    """Context for ``commentary/_listing.html`` and the status code to answer with.

    Invalid filters answer 400 with the form and its errors, and no rows: never a 500,
    never silently everything. Sets of more than ``COUNT_CAP`` rows get a bounded count,
    sampled and cached facets, date order instead of relevance (ranking every match of a
    common word costs seconds), and keyset links past the numbered pages.
    """
    filterset = QuoteFilterSet(request.GET, queryset=queryset, request=request, exclude=exclude)
    params = request.GET
    context = {
        "filter": filterset,
        "page": None,
        "facets": [],
        "chips": [],
    }
    if not filterset.is_valid():
        context["controls"] = form_controls(filterset, [], params)
        return context, 400
    data = filterset.form.cleaned_data
    sort = data["sort"]
    rows = filterset.qs
    paginator, page = statement_page(
        rows,
        data["page_size"],
        by_relevance=sort == Sort.RELEVANCE,
        newest=sort != Sort.OLDEST,
        cursor=params.get("after") or None,
        numbered=lambda paginator: numbered_page(paginator, params.get("page")),
    )
    many = paginator.more
    context["relevance_dropped"] = many and sort == Sort.RELEVANCE
    query = parse_query(data.get("q"))
    if query.groups:
        for quote in page:
            quote.highlighted = highlight(quote.text, query, width=SNIPPET_WIDTH)

    def facets():
        return statement_facets(filterset, params)

    facets, sampled = cached_facets(_facet_key(request), facets) if many else facets()
    context.update(
        page=page,
        many=many,
        facets_sampled=sampled,
        count_cap=number_format(COUNT_CAP, force_grouping=True),
        facet_sample=number_format(FACET_SAMPLE, force_grouping=True),
        facets=facets,
        chips=active_filters(filterset, params),
        controls=form_controls(filterset, facets, params),
        sort_links=sort_links(filterset, params),
        downloads=download_links(request, exclude),
        feed_url=feed_link(request, exclude),
    )
    return context, 200


# The filter each scoped page is about, by its URL name: (parameter, URL keyword).
PAGE_SCOPES = {
    "expert-detail": ("expert", "slug"),
    "country-detail": ("country", "code"),
    "organization-detail": ("organization", "slug"),
    "outlet-detail": ("outlet", "slug"),
    "topic-detail": ("topic", "slug"),
    "source-detail": ("source", "pk"),
}
# (label, URL name, URL arguments) of each machine format of a list.
DOWNLOADS = [
    ("CSV", "commentary:quote-export", ["csv"]),
    ("JSON", "commentary:quote-export", ["json"]),
    ("JSON Lines", "commentary:quote-export", ["jsonl"]),
    ("BibTeX", "commentary:quote-list-citation", ["bib"]),
    ("RIS", "commentary:quote-list-citation", ["ris"]),
    ("CSL-JSON", "commentary:quote-list-citation", ["json"]),
]


# The Atom feed of each page that lists statements (feeds.py), by the page's URL name.
PAGE_FEEDS = {
    "quote-list": "commentary:quote-feed",
    "expert-detail": "commentary:expert-feed",
    "country-detail": "commentary:country-feed",
    "organization-detail": "commentary:organization-feed",
    "outlet-detail": "commentary:outlet-feed",
    "topic-detail": "commentary:topic-feed",
}


def _list_params(request, exclude=()):
    """The list's filters, without those the page ignores (``exclude``: a country page has
    no region filter) and without paging and order."""
    params = request.GET.copy()
    for name in ("page", "after", "page_size", "sort", *exclude):
        params.pop(name, None)
    return params


def download_links(request, exclude=()):
    """(label, URL) of every export of the list on this page: the list's own filters plus,
    on a scoped page (an expert's, a country's…), the filter the page is about."""
    params = _list_params(request, exclude)
    if request.GET.get("sort"):
        params["sort"] = request.GET["sort"]
    match = request.resolver_match
    scope = PAGE_SCOPES.get(match.url_name) if match else None
    if scope:
        parameter, keyword = scope
        params[parameter] = str(match.kwargs[keyword])
    query = query_url(params)
    return [(label, reverse(name, args=args) + query) for label, name, args in DOWNLOADS]


def feed_link(request, exclude=()):
    """The Atom feed of the list on this page, with the same filters (feeds are always
    newest first, so the order is not carried); a source page's feed is the filtered
    list's."""
    match = request.resolver_match
    if match is None:
        return None
    params = _list_params(request, exclude)
    if match.url_name == "source-detail":
        params["source"] = str(match.kwargs["pk"])
        return reverse("commentary:quote-feed") + query_url(params)
    if match.url_name not in PAGE_FEEDS:
        return None
    return reverse(PAGE_FEEDS[match.url_name], kwargs=match.kwargs) + query_url(params)


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


def _facet_key(request):
    """The listing's page and filters (not its page number, order or size) and language."""
    return f"{get_language()}:{request.path}?{_list_params(request).urlencode()}"


def sort_links(filterset, params):
    """(label, url, is_current) for each order that makes sense: relevance needs words."""
    data = filterset.form.cleaned_data
    current = data["sort"]
    return [
        (capfirst(label), query_url(params, sort=value), value == current)
        for value, label in Sort.CHOICES
        if value != Sort.RELEVANCE or data.get("q")
    ]


def form_controls(filterset, facets, params):
    """The filter bar as plain data for a template loop (no widget rendering, see P13 in
    the performance notes): one dict per field with its current value, options and errors.

    The country and topic menus offer the values the facets found, plus any chosen ones,
    so they stay short however many countries or topics the archive holds.
    """
    form = filterset.form
    errors = form.errors
    facet_values = {facet.name: facet.values for facet in facets}
    controls = []
    for name, bound in ((name, form[name]) for name in form.fields):
        field = bound.field
        control = {
            "name": name,
            "id": f"filter-{name}",
            "label": bound.label,
            "errors": errors.get(name, []),
            "value": params.get(name, ""),
            "type": "text",
        }
        if name == "q":
            control["type"] = "search"
        elif name == "source":  # set by a source page's links, kept when filters change
            if not control["value"]:
                continue
            control["type"] = "hidden"
        elif name in ("date_from", "date_to"):
            control.update(type="date", placeholder=_("YYYY, YYYY-MM or YYYY-MM-DD"))
        elif name in ("expert", "organization", "outlet"):
            control.update(
                type="suggest",
                suggest_url=reverse("commentary:suggest", args=[f"{name}s"]),
                suggestions=[
                    (obj.display_name, query_url(params, **{name: obj.slug}))
                    for obj in getattr(field, "suggestions", [])
                ],
            )
        elif name == "country":
            chosen = (
                chosen_countries(filterset)
                if "country" in form.cleaned_data  # else as typed, shown again with the error
                else [c.strip().upper()[:2] for c in params.getlist("country") if c.strip()]
            )
            options = [(v.value, v.label, v.selected) for v in facet_values.get("country", [])]
            if not filterset.is_valid():  # no counts: offer every country with statements
                spoken = Expert.objects.public().values("country")
                options = [
                    (c.code, c.display_name, c.code in chosen)
                    for c in Country.objects.filter(code__in=spoken).order_by("name")
                ]
            offered = {value for value, _label, _selected in options}
            options += [(code, code, True) for code in chosen if code not in offered]
            control.update(type="multiple", options=options)
        elif name == "topic":
            current = control["value"]
            options = [(v.value, v.label, v.selected) for v in facet_values.get("topic", [])]
            if current and current not in {value for value, _l, _s in options}:
                options.append((current, current, True))
            control.update(type="select", options=[("", _("any"), not current), *options])
        elif name == "collection":
            current = control["value"]
            options = [(c.slug, c.display_name, c.slug == current) for c in field.queryset]
            control.update(type="select", options=[("", _("any"), not current), *options])
        elif hasattr(field, "choices"):
            current = control["value"]
            choices = [(str(v), str(label)) for v, label in field.choices if v != ""]
            if name in ("sort", "page_size"):  # the value in use, as the form decided it
                current = str(form.cleaned_data.get(name) or current)
            blank = [] if name in ("sort", "page_size") else [("", _("any"), not current)]
            control.update(
                type="select",
                options=blank + [(v, capfirst(label), v == current) for v, label in choices],
            )
        controls.append(control)
    return controls
