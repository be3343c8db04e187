"""Pages of API lists, bounded like the list pages (see ``commentary/pagination.py``).

``page`` (from 1) and ``page_size`` (one of the list page's sizes, 20, 50 or 100). The
count is capped at ``COUNT_CAP`` rows, so a list of a million statements costs no more than
one of ten thousand: ``count_is_capped`` says there are more than ``count``. Statements
continue past the numbered pages through ``after``, a keyset cursor that the last
numbered page's ``next`` link carries.
"""

import re

from django.core.paginator import InvalidPage
from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from ..browse.filters import PAGE_SIZES, Sort
from ..browse.pagination import COUNT_CAP, CappedPaginator, KeysetPage, statement_page
from ..links import AFTER, PAGE, PAGE_SIZE
from .errors import NO_SUCH_PAGE, InvalidParameters, not_found

PAGE_NUMBER = re.compile(r"[0-9]{1,18}")  # int() would also take "٣", "1_0" and " 3"
CURSOR_PATTERN = r"^(\d{4}-\d{2}-\d{2}|-)\.[1-9]\d{0,18}$"


class CappedPagination(PageNumberPagination):
    """Numbered pages over a capped count. A page outside the list is a 404, as on the
    site; a page size the site does not offer is a 400 naming ``page_size``."""

    page_size = PAGE_SIZES[0]
    page_query_param = PAGE
    page_size_query_param = PAGE_SIZE
    max_page_size = PAGE_SIZES[-1]
    django_paginator_class = CappedPaginator
    last_page_strings = ()

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if value not in {str(size) for size in PAGE_SIZES}:
            sizes = ", ".join(str(size) for size in PAGE_SIZES)
            message = _("Choose %(sizes)s rows per page.") % {"sizes": sizes}
            raise InvalidParameters({self.page_size_query_param: [message]})
        return int(value)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        self.page = self.numbered_page(request)
        return list(self.page)

    def numbered_page(self, request):
        number = request.query_params.get(self.page_query_param, "1")
        if not PAGE_NUMBER.fullmatch(number):
            raise not_found(NO_SUCH_PAGE)
        try:
            return self.paginator.page(number)
        except InvalidPage:
            raise not_found(NO_SUCH_PAGE) from None

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.paginator.count,
                "count_is_capped": self.paginator.more,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["count", "count_is_capped", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": COUNT_CAP,
                    "description": f"Rows in the list, counted up to {COUNT_CAP}.",
                },
                "count_is_capped": {
                    "type": "boolean",
                    "description": "True when the list holds more rows than count.",
                },
                "next": link,
                "previous": link,
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "in": "query",
                "required": False,
                "description": "Page number, from 1. A page past the last one answers 404.",
                "schema": {"type": "integer", "minimum": 1, "default": 1},
            },
            {
                "name": self.page_size_query_param,
                "in": "query",
                "required": False,
                "description": "Rows per page.",
                "schema": {"type": "integer", "enum": list(PAGE_SIZES), "default": PAGE_SIZES[0]},
            },
        ]


class StatementPagination(CappedPagination):
    """Statement lists: like ``statement_listing``, a set larger than the cap is shown in
    date order (ranking every match of a common word costs seconds), and ``after``
    continues in date order beyond the numbered pages."""

    cursor_query_param = AFTER

    def paginate_statements(self, rows, request, sort):
        """``rows``: the filtered, sorted statements (``for_list()`` is applied here)."""
        self.request = request

        def numbered(paginator):
            self.paginator = paginator
            return self.numbered_page(request)

        self.paginator, self.page = statement_page(
            rows,
            self.get_page_size(request),
            by_relevance=sort == Sort.RELEVANCE,
            newest=sort != Sort.OLDEST,
            cursor=request.query_params.get(self.cursor_query_param),
            numbered=numbered,
        )
        return list(self.page)

    def get_next_link(self):
        cursor = getattr(self.page, "next_cursor", None)
        if cursor:
            url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
            return replace_query_param(url, self.cursor_query_param, cursor)
        if isinstance(self.page, KeysetPage):
            return None
        return super().get_next_link()

    def get_previous_link(self):
        if isinstance(self.page, KeysetPage):
            return None
        return super().get_previous_link()

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "in": "query",
                "required": False,
                "description": (
                    "Continue after this row, in date order (a next link past the numbered "
                    "pages carries it): <date>.<id>, or -.<id> for an undated row. Takes "
                    "precedence over page. A malformed cursor answers 404."
                ),
                "schema": {"type": "string", "pattern": CURSOR_PATTERN},
            },
        ]
