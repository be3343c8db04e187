"""Public pages. Every statement is read through ``Quote.objects.published()``.

These are the foundation's pages: collections read in order and a page for everything
that has a URL. The filterable lists and facets come with the public-archive issue.
"""

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from .models import (
    Collection,
    CollectionEntry,
    CollectionSection,
    Country,
    Expert,
    Organization,
    Outlet,
    Quote,
    Source,
    Status,
    Topic,
)

PAGE_SIZE = 50


def _quote_page(request, quotes):
    """A page of statement cards; unknown or out-of-range pages give the last/first page."""
    paginator = Paginator(quotes.for_list(), PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def home(request):
    collections = Collection.objects.published().annotate(
        entry_count=Count("sections__entries", distinct=True)
    )
    published = Quote.objects.published()
    return TemplateResponse(
        request,
        "commentary/home.html",
        {
            "collections": collections,
            "latest": published.for_list()[:10],
            "totals": {
                "quotes": published.count(),
                "experts": Expert.objects.filter(speaker_roles__quote__in=published)
                .distinct()
                .count(),
            },
        },
    )


def collection_detail(request, slug):
    entries = CollectionEntry.objects.filter(quote__status=Status.PUBLISHED).prefetch_related(
        Prefetch("quote", queryset=Quote.objects.for_list())
    )
    collection = get_object_or_404(
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
        slug=slug,
    )
    return TemplateResponse(
        request, "commentary/collection_detail.html", {"collection": collection}
    )


def quote_detail(request, pk):
    quote = get_object_or_404(
        Quote.objects.published().for_list().select_related("original"), pk=pk
    )
    return TemplateResponse(
        request,
        "commentary/quote_detail.html",
        {
            "quote": quote,
            "original": quote.original
            if quote.original_id and quote.original.status == Status.PUBLISHED
            else None,
            "translations": quote.translations.published(),
            "collections": Collection.objects.published()
            .filter(sections__entries__quote=quote)
            .distinct(),
        },
    )


def expert_detail(request, slug):
    expert = get_object_or_404(
        Expert.objects.select_related("country").prefetch_related(
            "other_names", "affiliations__organization"
        ),
        slug=slug,
    )
    quotes = Quote.objects.published().filter(speakers__expert=expert)
    return TemplateResponse(
        request,
        "commentary/expert_detail.html",
        {"expert": expert, "page": _quote_page(request, quotes)},
    )


def _scoped_list(request, template, obj, quotes, **extra):
    return TemplateResponse(
        request, template, {"object": obj, "page": _quote_page(request, quotes), **extra}
    )


def country_detail(request, code):
    country = get_object_or_404(Country, code=code)
    quotes = Quote.objects.published().by_country(country.code)
    experts = country.experts.filter(speaker_roles__quote__status=Status.PUBLISHED).distinct()
    return _scoped_list(request, "commentary/country_detail.html", country, quotes, experts=experts)


def organization_detail(request, slug):
    organization = get_object_or_404(Organization.objects.select_related("parent"), slug=slug)
    quotes = (
        Quote.objects.published()
        .filter(speakers__affiliation__organization=organization)
        .distinct()
    )
    people = organization.affiliations.select_related("expert").order_by("is_former", "expert")
    return _scoped_list(
        request, "commentary/organization_detail.html", organization, quotes, people=people
    )


def outlet_detail(request, slug):
    outlet = get_object_or_404(Outlet.objects.select_related("country"), slug=slug)
    quotes = Quote.objects.published().filter(citations__source__outlet=outlet).distinct()
    return _scoped_list(request, "commentary/outlet_detail.html", outlet, quotes)


def source_detail(request, pk):
    source = get_object_or_404(Source.objects.select_related("outlet"), pk=pk)
    quotes = Quote.objects.published().filter(citations__source=source).distinct()
    return _scoped_list(request, "commentary/source_detail.html", source, quotes)


def topic_detail(request, slug):
    topic = get_object_or_404(Topic.objects.select_related("parent"), slug=slug)
    quotes = Quote.objects.published().filter(topics=topic)
    return _scoped_list(request, "commentary/topic_detail.html", topic, quotes)
