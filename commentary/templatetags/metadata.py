"""``{% quote_metadata %}``, ``{% expert_metadata %}``, ``{% collection_metadata %}``: the
structured metadata of a page's head (see ``commentary/metadata.py``)."""

from django import template
from django.utils.html import format_html_join
from django.utils.text import Truncator

from commentary.links import permanent_url

from ..outputs import metadata

register = template.Library()


def _join(*parts):
    return format_html_join("\n", "{}", ((part,) for part in parts))


@register.simple_tag(takes_context=True)
def quote_metadata(context, quote):
    request = context["request"]
    return _join(
        metadata.canonical(permanent_url(request, quote)),
        metadata.quote_tags(request, quote),
        metadata.json_ld(metadata.quotation_ld(request, quote, context.get("collections") or ())),
    )


@register.simple_tag(takes_context=True)
def expert_metadata(context, expert):
    request = context["request"]
    url = permanent_url(request, expert)
    return _join(
        metadata.canonical(url),
        metadata.open_graph(expert.name, Truncator(expert.bio).words(40), url, "profile"),
        metadata.json_ld(metadata.expert_ld(request, expert)),
    )


@register.simple_tag(takes_context=True)
def collection_metadata(context, collection):
    request = context["request"]
    url = permanent_url(request, collection)
    return _join(
        metadata.canonical(url),
        metadata.open_graph(
            collection.display_name, Truncator(collection.description).words(40), url, "website"
        ),
        metadata.json_ld(metadata.collection_ld(request, collection)),
    )
