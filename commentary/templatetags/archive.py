"""Template helpers for the public pages."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

from .. import links, site

register = template.Library()

# BCP 47 tags for HTML ``lang``/``hreflang``: Django's language code is lower case.
HTML_LANG = {"en": "en", "zh-hans": "zh-Hans"}


@register.simple_tag
def site_name():
    """The archive's name in the interface language (``site.NAME``)."""
    return site.NAME


@register.simple_tag(takes_context=True)
def language_links(context):
    """The current page (path and query string, so the filters stay) in each language."""
    request = context["request"]
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "lang": HTML_LANG.get(code, code),
                "name": info["name_local"],
                "url": translate_url(request.get_full_path(), code),
                "current": code == current,
            }
        )
    return links


@register.filter
def html_lang(code):
    return HTML_LANG.get(code, code)


@register.filter
def web_url(value):
    """``value`` if it is an ``http``/``https`` address, else ``""``: every address a page
    shows as a link goes through this (a ``javascript:`` URL stored some other way than
    through a form never becomes a link)."""
    return links.web_url(value)
