"""Public pages. Every statement is read through ``Quote.objects.published()``.

Views are thin: the statement lists go through ``listing.statement_listing`` (filters,
facets, pagination); the queries live in ``querysets.py``.
"""

from csp.decorators import csp_exempt
from django.db.models import Prefetch
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from .browse.filters import SUGGESTION_LIMIT, ExpertListFilterSet
from .browse.listing import statement_listing
from .browse.pagination import paginate
from .browse.selection import invalid_filters_response, selected_statements
from .caching import generation
from .counting.stored import totals as stored_totals
from .models import (
    Affiliation,
    Collection,
    CollectionEntry,
    CollectionSection,
    Country,
    Expert,
    Organization,
    Outlet,
    Quote,
    QuoteSpeaker,
    Source,
    Topic,
    Total,
)
from .outputs import cite
from .outputs.streaming import in_chunks
from .preservation import replay
from .preservation.copies import read_payload
from .querysets import inherit_credits, published_rows
from .slugs import by_slug, follows_renames

LATEST_COUNT = 10
RELATED_COUNT = 5
CO_SPEAKER_COUNT = 10
SUGGESTED = {"experts": Expert, "organizations": Organization, "outlets": Outlet}
EXPERTS_PER_PAGE = 50
COUNTRY_EXPERTS = 60


def _listing_page(request, template, queryset, exclude=(), **context):
    listing, status = statement_listing(request, queryset, exclude=exclude)
    return TemplateResponse(request, template, {**context, **listing}, status=status)


@require_safe
def home(request):
    """The archive at a glance: every count here is stored (counting/), none counted."""
    totals = stored_totals()
    return TemplateResponse(
        request,
        "commentary/home.html",
        {
            "collections": Collection.objects.published().order_by("-published_on", "title"),
            "latest": Quote.objects.published().newest_first().for_list()[:LATEST_COUNT],
            "countries": Country.objects.public().order_by("-statement_count", "name"),
            "topics": Topic.objects.filter(statement_count__gt=0).order_by(
                "-statement_count", "name"
            ),
            "totals": {
                "quotes": totals[Total.Name.STATEMENTS],
                "experts": totals[Total.Name.EXPERTS],
                "countries": totals[Total.Name.COUNTRIES],
                "sources": totals[Total.Name.SOURCES],
            },
        },
    )


@require_safe
def quote_list(request):
    return _listing_page(
        request,
        "commentary/quote_list.html",
        Quote.objects.published(),
        results_heading=_("Results"),
    )


@require_safe
def quote_detail(request, pk):
    quote = Quote.objects.published().for_list().filter(pk=pk).first()
    if quote is None:
        return withdrawn_or_404(request, pk)
    speakers = [speaker.expert_id for speaker in quote.speakers.all()]
    return TemplateResponse(
        request,
        "commentary/quote_detail.html",
        {
            "quote": quote,
            "collections": Collection.objects.published()
            .filter(sections__entries__quote=quote)
            .distinct(),
            "related": Quote.objects.published()
            .filter(pk__in=QuoteSpeaker.objects.filter(expert__in=speakers).values("quote"))
            .exclude(pk=quote.pk)
            .newest_first()
            .for_list()[:RELATED_COUNT],
            "citations": cite.plain_texts(quote, request),
            "citation_formats": cite.FORMAT_NAMES,
        },
    )


def _attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def quote_citation(request, pk, fmt):
    """One statement's citation as a file for a reference manager (BibTeX, RIS, CSL-JSON).
    It answers exactly as the permalink does: 404 unless published, 410 once withdrawn."""
    quote = Quote.objects.published().for_list().filter(pk=pk).first()
    if quote is None:
        return withdrawn_or_404(request, pk)
    return _attachment(
        HttpResponse(
            "".join(cite.download([quote], request, fmt)), content_type=cite.CONTENT_TYPES[fmt]
        ),
        cite.filename(fmt, pk),
    )


@require_safe
def quote_list_citation(request, fmt):
    """The citations of every statement a list's filters select (not just a page), in the
    list's order, streamed in chunks so that a million rows never sit in memory at once.
    An invalid filter answers 400 naming the parameter, as the list does."""
    filterset, rows = selected_statements(request.GET, request=request)
    if rows is None:
        return invalid_filters_response(filterset)
    pieces = cite.download(in_chunks(rows.for_list()), request, fmt)
    return _attachment(
        StreamingHttpResponse(pieces, content_type=cite.CONTENT_TYPES[fmt]), cite.filename(fmt)
    )


def withdrawn_or_404(request, pk):
    """A withdrawn statement's permalink answers 410 Gone with a short notice: citations in
    the wild get an honest answer. The notice shows when, never the statement itself."""
    withdrawn = Quote.objects.withdrawn().filter(pk=pk).first()
    if withdrawn is None:
        raise Http404(_("No published statement has this number."))
    change = withdrawn.status_changes.filter(to_status=withdrawn.status).order_by("-at").first()
    return TemplateResponse(
        request,
        "commentary/withdrawn.html",
        {"number": withdrawn.pk, "withdrawn_at": change.at if change else None},
        status=410,
    )


@require_safe
def expert_list(request):
    filterset = ExpertListFilterSet(
        request.GET,
        queryset=Expert.objects.public().select_related("country").order_by("sort_name", "pk"),
        request=request,
    )
    context = {
        "filter": filterset,
        "countries": Country.objects.filter(code__in=Expert.objects.public().values("country")),
    }
    if not filterset.is_valid():
        return TemplateResponse(request, "commentary/expert_list.html", context, status=400)
    context["page"] = paginate(request, filterset.qs, EXPERTS_PER_PAGE)
    return TemplateResponse(request, "commentary/expert_list.html", context)


@require_safe
@follows_renames
def expert_detail(request, slug):
    expert = by_slug(
        Expert.objects.public()
        .select_related("country")
        .prefetch_related(
            "other_names",
            Prefetch("affiliations", queryset=Affiliation.objects.timeline()),
        ),
        slug,
    )
    return _listing_page(
        request,
        "commentary/expert_detail.html",
        Quote.objects.published().by_expert(expert),
        exclude=("expert",),
        expert=expert,
        # Kept under the archive's generation: 200 ms for an expert of 10,000 statements.
        co_speakers=generation.remember(
            f"co-speakers:{expert.pk}",
            lambda: list(Expert.objects.co_speakers_of(expert)[:CO_SPEAKER_COUNT]),
        ),
    )


@require_safe
def suggest(request, kind):
    """Up to eight names for the filter fields' suggestion lists, as JSON."""
    text = request.GET.get("q", "").strip()[:100]
    if not text:
        return JsonResponse({"results": []})
    rows = SUGGESTED[kind].objects.public().matching_name(text)
    return JsonResponse(
        {
            "results": [
                {"value": row.slug, "label": row.display_name}
                for row in rows.order_by("name")[:SUGGESTION_LIMIT]
            ]
        }
    )


@require_safe
def country_list(request):
    countries = Country.objects.public().order_by("region", "name")
    return TemplateResponse(request, "commentary/country_list.html", {"countries": countries})


@require_safe
def country_detail(request, code):
    country = get_object_or_404(Country, code=code)
    experts = list(
        Expert.objects.public()
        .filter(country=country)
        .order_by("-statement_count", "sort_name")[: COUNTRY_EXPERTS + 1]
    )
    return _listing_page(
        request,
        "commentary/country_detail.html",
        Quote.objects.published().by_country(country.code),
        exclude=("country", "region"),
        object=country,
        experts=experts[:COUNTRY_EXPERTS],
        more_experts=len(experts) > COUNTRY_EXPERTS,
    )


@require_safe
@follows_renames
def organization_detail(request, slug):
    organization = by_slug(Organization.objects.public().select_related("parent"), slug)
    people = (
        organization.affiliations.filter(expert__in=Expert.objects.public())
        .select_related("expert")
        .order_by("is_former", "expert__sort_name", "pk")
    )
    return _listing_page(
        request,
        "commentary/organization_detail.html",
        Quote.objects.published().by_organization(organization),
        exclude=("organization",),
        object=organization,
        people=people,
        units=Organization.objects.public().filter(parent=organization).order_by("name"),
    )


@require_safe
@follows_renames
def outlet_detail(request, slug):
    outlet = by_slug(Outlet.objects.public().select_related("country"), slug)
    return _listing_page(
        request,
        "commentary/outlet_detail.html",
        Quote.objects.published().by_outlet(outlet),
        exclude=("outlet",),
        object=outlet,
    )


@require_safe
def source_detail(request, pk):
    source = get_object_or_404(Source.objects.public().select_related("outlet"), pk=pk)
    return _listing_page(
        request,
        "commentary/source_detail.html",
        Quote.objects.published().by_source(source),
        exclude=("outlet", "source_kind", "source"),
        object=source,
    )


def _public_copy(pk, copy_id):
    source = get_object_or_404(Source.objects.public().only("pk", "language"), pk=pk)
    copy = get_object_or_404(source.copies.all(), pk=copy_id)
    copy.source = source
    return copy


@require_safe
def source_archived(request, pk):
    """The archive's own copy of a source, inside a banner, and every earlier copy."""
    source = get_object_or_404(Source.objects.public().select_related("outlet"), pk=pk)
    copies = list(source.copies.all()[:100])
    if not copies:
        raise Http404(_("The archive keeps no copy of this source."))
    wanted = request.GET.get("copy", "")
    chosen = next((copy for copy in copies if str(copy.pk) == wanted), None)
    if wanted and chosen is None:
        raise Http404(_("No such copy of this source."))
    return TemplateResponse(
        request,
        "commentary/source_archived.html",
        {"object": source, "copy": chosen or copies[0], "copies": copies},
    )


# The archived page itself: inert and walled off. The sanitiser already removed every
# script, handler, refresh and form (preservation/replay.py); this policy makes the
# document a sandbox in an opaque origin (no script, form, top navigation or cookies
# even if something slipped through), fetches nothing, and may be framed only by the
# archive's own page.
SANDBOX_POLICY = (
    "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; "
    "style-src 'unsafe-inline'; frame-ancestors 'self'; form-action 'none'"
)


@require_safe
@csp_exempt()
@xframe_options_sameorigin
def source_archived_content(request, pk, copy):
    copy = _public_copy(pk, copy)
    try:
        body, headers = read_payload(copy)
    except (OSError, ValueError) as error:  # the file went missing from the storage
        raise Http404(_("This copy cannot be read.")) from error
    charset = replay.charset_of(headers.get_header("Content-Type") or "")
    if copy.kind == "pdf":
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="source-{pk}-{copy.fetched_at:%Y%m%d}.pdf"'
        )
    elif copy.kind == "text":
        response = HttpResponse(
            replay.safe_text(body, charset), content_type="text/plain; charset=utf-8"
        )
    else:
        html = replay.safe_html(body, charset, copy.source.language)
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = SANDBOX_POLICY
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@require_safe
def source_archived_warc(request, pk, copy):
    """The WARC file itself, for web archive tools (replayable in e.g. ReplayWeb.page)."""
    copy = _public_copy(pk, copy)
    try:
        stream = copy.warc.open("rb")
    except OSError as error:
        raise Http404(_("This copy cannot be read.")) from error
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=f"source-{pk}-{copy.fetched_at:%Y%m%dT%H%M%S}.warc.gz",
        content_type="application/warc",
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
@follows_renames
def topic_detail(request, slug):
    topic = by_slug(Topic.objects.public().select_related("parent"), slug)
    return _listing_page(
        request,
        "commentary/topic_detail.html",
        Quote.objects.published().by_topic(topic),
        exclude=("topic",),
        object=topic,
        subtopics=Topic.objects.public().filter(parent=topic).order_by("name"),
    )


@require_safe
@follows_renames
def collection_detail(request, slug):
    entries = CollectionEntry.objects.filter(published_rows("quote__")).prefetch_related(
        Prefetch("quote", queryset=Quote.objects.for_list())
    )
    collection = by_slug(
        Collection.objects.published()
        .select_related("compiler", "source__outlet", "translation_source__outlet")
        .prefetch_related(
            Prefetch(
                "sections",
                queryset=CollectionSection.objects.order_by("position").prefetch_related(
                    Prefetch("entries", queryset=entries.order_by("position"))
                ),
            )
        ),
        slug,
    )
    # Nested prefetches skip for_list()'s own step: translations inherit here.
    inherit_credits(
        [entry.quote for section in collection.sections.all() for entry in section.entries.all()]
    )
    return TemplateResponse(
        request, "commentary/collection_detail.html", {"collection": collection}
    )
