"""The read API's views: one read-only viewset per kind of record, over public rows only.

Which rows exist is decided here, once per viewset, through the named querysets:
statements through ``Quote.objects.published()``, collections through
``Collection.objects.published()``, everything else through ``public()`` (records that
published statements or collections show), countries too (those with published
statements; their counts are stored, see ``counting/``). Nested data is fetched
through the same helpers (see ``serializers.py``).
"""

import re

from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from ..browse.filters import ExpertListFilterSet
from ..browse.selection import filter_errors, selected_statements
from ..models import (
    Affiliation,
    Collection,
    CollectionEntry,
    CollectionSection,
    Country,
    Expert,
    Organization,
    Outlet,
    Quote,
    Source,
    Topic,
)
from ..querysets import published_rows
from . import schema
from . import serializers as api
from .errors import Gone, InvalidParameters, not_found
from .filtering import PageFilterBackend
from .pagination import CappedPagination, StatementPagination


def documented(summary, serializer, lookup, list_parameters=(), detail=None, gone=False):
    """``extend_schema_view`` for a read-only viewset: its list and detail operations with
    their parameters and every answer they can give."""
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {summary}",
            parameters=list(list_parameters),
            responses=schema.responses(
                serializer(many=True), invalid=True, missing="No such page."
            ),
        ),
        retrieve=extend_schema(
            summary=f"One of the {summary}",
            parameters=[lookup],
            responses=schema.responses(detail or serializer, gone=gone),
        ),
    )


class PublicViewSet(viewsets.ReadOnlyModelViewSet):
    """GET (and HEAD, OPTIONS) only; anything else is 405 with an ``Allow`` header.

    The URL takes any path segment as the lookup value, so that a malformed one gets the
    API's JSON 404 rather than the site's HTML page; ``lookup_pattern`` then decides what
    may reach the database (no NUL bytes, no integers beyond 64 bits).
    """

    lookup_value_regex = "[^/]+"
    lookup_pattern = schema.SLUG_PATTERN
    filter_backends = [PageFilterBackend]
    pagination_class = CappedPagination

    def get_object(self):
        value = self.lookup_value(self.kwargs[self.lookup_field])
        if value is None:
            raise not_found()
        self.kwargs[self.lookup_field] = value
        return super().get_object()

    def lookup_value(self, value):
        """The value to look up, normalised, or None when no record can have it."""
        return value if re.fullmatch(self.lookup_pattern, value) else None


class NumberedViewSet(PublicViewSet):
    lookup_pattern = r"^[0-9]{1,19}$"

    def lookup_value(self, value):
        value = super().lookup_value(value)
        return value if value and 0 < int(value) < 2**63 else None


@documented("statements", api.StatementSerializer, schema.PK, schema.STATEMENT_FILTERS, gone=True)
class StatementViewSet(NumberedViewSet):
    """Published statements, with the statement list page's filters, order and page sizes.
    A withdrawn statement's number answers 410 Gone."""

    serializer_class = api.StatementSerializer
    pagination_class = StatementPagination

    def get_queryset(self):
        return Quote.objects.published().for_list()

    def list(self, request):
        filterset, rows = selected_statements(
            request.query_params, Quote.objects.published(), request
        )
        if rows is None:
            raise InvalidParameters(filter_errors(filterset))
        sort = filterset.form.cleaned_data["sort"]
        page = self.paginator.paginate_statements(rows, request, sort)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_object(self):
        try:
            return super().get_object()
        except (Http404, NotFound):
            pk = self.lookup_value(self.kwargs[self.lookup_field])
            if pk and Quote.objects.withdrawn().filter(pk=pk).exists():
                raise Gone() from None
            raise


def roles():
    return Prefetch("affiliations", queryset=Affiliation.objects.timeline())


@documented("experts", api.ExpertSerializer, schema.SLUG, schema.EXPERT_FILTERS)
class ExpertViewSet(PublicViewSet):
    """People (and bodies speaking in their own voice) with published statements."""

    serializer_class = api.ExpertSerializer
    lookup_field = "slug"
    filterset_class = ExpertListFilterSet

    def get_queryset(self):
        return (
            Expert.objects.public()
            .prefetch_related("other_names", roles())
            .order_by("sort_name", "pk")
        )


@documented("organisations", api.OrganizationSerializer, schema.SLUG)
class OrganizationViewSet(PublicViewSet):
    """Organisations where speakers of published statements hold or held a role (and the
    bodies those belong to), and compilers of published collections."""

    serializer_class = api.OrganizationSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return (
            Organization.objects.public()
            .prefetch_related(Prefetch("parent", queryset=Organization.objects.public()))
            .order_by("name", "pk")
        )


@documented("countries", api.CountrySerializer, schema.CODE)
class CountryViewSet(PublicViewSet):
    """Countries whose experts speak in published statements."""

    serializer_class = api.CountrySerializer
    lookup_field = "code"
    lookup_pattern = schema.CODE_PATTERN

    def get_queryset(self):
        return Country.objects.public().order_by("name", "code")

    def lookup_value(self, value):
        value = super().lookup_value(value)
        return value and value.upper()


@documented("outlets", api.OutletSerializer, schema.SLUG)
class OutletViewSet(PublicViewSet):
    """Publishers and channels of the sources that published statements cite."""

    serializer_class = api.OutletSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return Outlet.objects.public().order_by("name", "pk")


@documented("sources", api.SourceSerializer, schema.PK)
class SourceViewSet(NumberedViewSet):
    """Publications cited by published statements or credited by published collections."""

    serializer_class = api.SourceSerializer

    def get_queryset(self):
        return Source.objects.public().select_related("outlet").order_by("-published_on", "pk")


@documented("topics", api.TopicSerializer, schema.SLUG)
class TopicViewSet(PublicViewSet):
    """Topics of published statements, and the broader topics they belong to."""

    serializer_class = api.TopicSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return (
            Topic.objects.public()
            .prefetch_related(Prefetch("parent", queryset=Topic.objects.public()))
            .order_by("name", "pk")
        )


@documented(
    "collections", api.CollectionSerializer, schema.SLUG, detail=api.CollectionDetailSerializer
)
class CollectionViewSet(PublicViewSet):
    """Published compilations; one collection lists its sections and their statements."""

    lookup_field = "slug"

    def get_serializer_class(self):
        if self.action == "retrieve":
            return api.CollectionDetailSerializer
        return api.CollectionSerializer

    def get_queryset(self):
        collections = Collection.objects.published().select_related(
            "compiler", "source__outlet", "translation_source__outlet"
        )
        if self.action != "retrieve":
            return collections.order_by("-published_on", "title", "pk")
        # Entries of unpublished statements are left out, as on the collection's page.
        entries = CollectionEntry.objects.filter(published_rows("quote__")).order_by("position")
        sections = CollectionSection.objects.order_by("position").prefetch_related(
            Prefetch("entries", queryset=entries)
        )
        return collections.prefetch_related(Prefetch("sections", queryset=sections))


RESOURCES = {
    "statements": "api:quote-list",
    "experts": "api:expert-list",
    "organizations": "api:organization-list",
    "countries": "api:country-list",
    "outlets": "api:outlet-list",
    "sources": "api:source-list",
    "topics": "api:topic-list",
    "collections": "api:collection-list",
    "schema": "api:schema",
}


class RootView(APIView):
    """Where everything is: one link per list, and the OpenAPI document."""

    @extend_schema(
        summary="The API's lists and its OpenAPI document",
        responses=schema.responses(
            inline_serializer("Root", {name: serializers.URLField() for name in RESOURCES}),
            missing=None,
        ),
    )
    def get(self, request):
        return Response(
            {name: request.build_absolute_uri(reverse(url)) for name, url in RESOURCES.items()}
        )
