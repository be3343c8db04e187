"""Public pages. Until the public-archive issue lands these are plain but real."""

from django.http import HttpResponse


def _todo(*a, **k):
    return HttpResponse("")


home = quote_detail = expert_detail = country_detail = organization_detail = _todo
outlet_detail = source_detail = topic_detail = collection_detail = _todo
