"""One filterable, faceted, paginated list of statements, shared by every page that has one.

``/quotes/`` lists the whole archive; the expert, country, organisation, outlet, source,
topic and collection pages list their own statements with the same filters, minus the
one the page is about.
"""

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..caching import pages
from ..links import AFTER, PAGE, PAGE_SIZE, PAGING, SORT, query_url, without
from ..models import Country, Expert
from ..search.text import highlight, parse_query
from .cards import render_cards
from .facets import FACET_SAMPLE, cached_facets, statement_facets
from .filters import QuoteFilterSet, Sort
from .pagination import COUNT_CAP, numbered_page, statement_page
from .selection import active_filters, chosen_countries

# Statement cards show at most about this many characters of a long text around a match.
SNIPPET_WIDTH = 600


def statement_listing(request, queryset, exclude=()):
    """Context for ``commentary/_listing.html`` and the status code to answer with.

    Invalid filters answer 400 with the form and its errors, and no rows: never a 500,
    never silently everything. Facets are cached under the archive's generation. Sets of
    more than ``COUNT_CAP`` rows get a bounded count, sampled facets, date order instead
    of relevance (ranking every match of a common word costs seconds), and keyset links
    past the numbered pages.
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
        cursor=params.get(AFTER) or None,
        numbered=lambda paginator: numbered_page(paginator, params.get(PAGE)),
        count_key=_selection_key(request),
    )
    many = paginator.more
    context["relevance_dropped"] = many and sort == Sort.RELEVANCE
    query = parse_query(data.get("q"))
    if query.groups:
        for quote in page:
            quote.highlighted = highlight(quote.text, query, width=SNIPPET_WIDTH)
    render_cards(page)

    def facets():
        return statement_facets(filterset, params)

    # Cached for every list, not only large ones: 10,000 rows of one country cost as much
    # to count as the whole archive's sample.
    facets, sampled = cached_facets(
        _facet_key(request), facets, stale=lambda: pages.do_not_store(request)
    )
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
    return without(request.GET, *PAGING, SORT, *exclude)


def download_links(request, exclude=()):
    """(label, URL) of every export of the list on this page: the list's own filters plus,
    on a scoped page (an expert's, a country's…), the filter the page is about."""
    params = _list_params(request, exclude)
    if request.GET.get(SORT):
        params[SORT] = request.GET[SORT]
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


def _selection_key(request):
    """The listing's page and filters (not its page number, order or size): what selects
    its rows."""
    return f"{request.path_info}?{_list_params(request).urlencode()}"


def _facet_key(request):
    """The listing's selection and language (facet labels are in it)."""
    return f"{get_language()}:{_selection_key(request)}"


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
    ``CONTROLS`` says how each field is offered; the others are selects of their choices.
    """
    form = filterset.form
    offered = {
        facet.name: [(v.value, v.label, v.selected) for v in facet.values] for facet in facets
    }
    controls = []
    for name in form.fields:
        bound = form[name]
        control = {
            "name": name,
            "id": f"filter-{name}",
            "label": bound.label,
            "errors": form.errors.get(name, []),
            "value": params.get(name, ""),
            "type": "text",
        }
        describe = CONTROLS.get(name, _choices)
        extra = describe(filterset, bound.field, control, params, offered)
        if extra is not None:
            controls.append({**control, **extra})
    return controls


def _search(filterset, field, control, params, offered):
    return {"type": "search"}


def _kept_if_set(filterset, field, control, params, offered):
    """Set by a source page's links and kept when the other filters change; else absent."""
    return {"type": "hidden"} if control["value"] else None


def _partial_date(filterset, field, control, params, offered):
    return {"type": "date", "placeholder": _("YYYY, YYYY-MM or YYYY-MM-DD")}


def _suggested(filterset, field, control, params, offered):
    """A text input that suggests records as one types (``/suggest/<kind>/``), and the
    closest matches of a value that matched none or several."""
    name = control["name"]
    return {
        "type": "suggest",
        "suggest_url": reverse("commentary:suggest", args=[f"{name}s"]),
        "suggestions": [
            (obj.display_name, query_url(params, **{name: obj.slug}))
            for obj in getattr(field, "suggestions", [])
        ],
    }


def _countries(filterset, field, control, params, offered):
    """The countries the facet counted, plus any chosen ones. Without counts (a filter is
    invalid) every country with published statements, so the menu is never empty."""
    if "country" in filterset.form.cleaned_data:
        chosen = chosen_countries(filterset)
    else:  # as typed, shown again with the error
        chosen = [c.strip().upper()[:2] for c in params.getlist("country") if c.strip()]
    options = offered.get("country", [])
    if not filterset.is_valid():
        spoken = Expert.objects.public().values("country")
        options = [
            (c.code, c.display_name, c.code in chosen)
            for c in Country.objects.filter(code__in=spoken).order_by("name")
        ]
    listed = {value for value, _label, _selected in options}
    options = [*options, *((code, code, True) for code in chosen if code not in listed)]
    return {"type": "multiple", "options": options}


def _topics(filterset, field, control, params, offered):
    """The topics the facet counted (so the menu stays short however many topics the
    archive holds), plus the chosen one."""
    current = control["value"]
    options = offered.get("topic", [])
    if current and current not in {value for value, _label, _selected in options}:
        options = [*options, (current, current, True)]
    return {"type": "select", "options": [("", _("any"), not current), *options]}


def _collections(filterset, field, control, params, offered):
    current = control["value"]
    options = [(c.slug, c.display_name, c.slug == current) for c in field.queryset]
    return {"type": "select", "options": [("", _("any"), not current), *options]}


def _choices(filterset, field, control, params, offered):
    """A select of the field's choices, with "any" first; a text input without choices."""
    if not hasattr(field, "choices"):
        return {}
    current = control["value"]
    return {"type": "select", "options": [("", _("any"), not current), *_options(field, current)]}


def _in_use(filterset, field, control, params, offered):
    """The order and page size: a select without "any", showing the value the form
    decided on (relevance only with words, the default size when none is asked for)."""
    current = str(filterset.form.cleaned_data.get(control["name"]) or control["value"])
    return {"type": "select", "options": _options(field, current)}


def _options(field, current):
    """(value, label, is_current) of each of ``field``'s choices but the blank one."""
    return [
        (str(value), capfirst(str(label)), str(value) == current)
        for value, label in field.choices
        if value != ""
    ]


# How the filter bar offers each field, by name (``_choices`` for the rest).
CONTROLS = {
    "q": _search,
    "source": _kept_if_set,
    "date_from": _partial_date,
    "date_to": _partial_date,
    "expert": _suggested,
    "organization": _suggested,
    "outlet": _suggested,
    "country": _countries,
    "topic": _topics,
    "collection": _collections,
    SORT: _in_use,
    PAGE_SIZE: _in_use,
}
