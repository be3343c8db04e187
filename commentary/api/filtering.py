"""The list pages' FilterSets, applied to API lists with the pages' rules.

A list view names its FilterSet (``filterset_class``, e.g. the expert list's
``ExpertListFilterSet``); the same parameters select the same rows as on the site, and an
invalid value answers 400 with the messages the page's form would show. The statement list
calls ``selection.selected_statements`` itself (views.py), because its order and paging
depend on what the filters decided. The parameters are documented in ``schema.py``:
django-filter's automatic description cannot know the custom fields' formats.
"""

from rest_framework.filters import BaseFilterBackend

from ..browse.selection import filter_errors
from .errors import InvalidParameters


class PageFilterBackend(BaseFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset_class = getattr(view, "filterset_class", None)
        if filterset_class is None or getattr(view, "action", None) != "list":
            return queryset
        filterset = filterset_class(request.query_params, queryset=queryset, request=request)
        if not filterset.is_valid():
            raise InvalidParameters(filter_errors(filterset))
        return filterset.qs
