"""Links: absolute, language-neutral URLs of records, and query strings of lists.

A record has one permanent URL whatever the interface language (``/quotes/12/``, never
``/zh-hans/quotes/12/``), so that the permalink in a citation, the JSON-LD ``@id``, a feed
entry's ``id``, an export's ``url``, the API's ``url`` and Popolo's links all agree.

A list's query string is its filters plus the parameters that page through and order it,
named here once for the list pages, their links, the feeds and the API.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import translation

# The parameters that page through a list of statements (the rest of a query string
# filters it): a page number, a keyset cursor past the numbered pages, the rows per page.
PAGE = "page"
AFTER = "after"
PAGE_SIZE = "page_size"
PAGING = (PAGE, AFTER, PAGE_SIZE)
# The order of a list.
SORT = "sort"


def permanent_url(request, record):
    """``record.get_absolute_url()`` without a language prefix, absolute."""
    with translation.override(settings.LANGUAGE_CODE):
        return request.build_absolute_uri(record.get_absolute_url())


class URLTemplate:
    """The permanent URL of a named pattern, reversed once and filled per row: ``reverse()``
    for each of a million exported rows would cost a minute."""

    PLACEHOLDER = "1234567890987654321"

    def __init__(self, request, name):
        with translation.override(settings.LANGUAGE_CODE):
            url = request.build_absolute_uri(reverse(name, args=[self.PLACEHOLDER]))
        self.before, _placeholder, self.after = url.partition(self.PLACEHOLDER)

    def __call__(self, value):
        return f"{self.before}{value}{self.after}"


def without(params, *names):
    """A copy of ``params`` (a QueryDict) without the parameters ``names``."""
    params = params.copy()
    for name in names:
        params.pop(name, None)
    return params


def query_url(params, /, **changes):
    """``?query`` for ``params`` (a QueryDict) with ``changes`` applied and no page number
    (a link that changes the list starts again at its first page).

    A change to ``None`` removes the parameter; a list sets repeated values.
    """
    params = without(params, PAGE)
    for name, value in changes.items():
        if value is None or value == []:
            params.pop(name, None)
        elif isinstance(value, list):
            params.setlist(name, value)
        else:
            params[name] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


# The schemes a stored address may have to be shown as a link: a ``javascript:`` or
# ``data:`` URL that reached the database some other way than through a form (a fixture,
# ``loaddata``, the shell, an import) must never become a clickable link.
WEB_SCHEMES = ("http", "https")


def is_web_url(value):
    """Whether ``value`` is an absolute ``http``/``https`` address with a host, read as a
    browser reads it (``urlsplit`` drops the tabs, newlines and leading blanks a browser
    ignores, so ``" java\\tscript:"`` is seen as the ``javascript:`` it is)."""
    if not value or not isinstance(value, str):
        return False
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


def web_url(value):
    """``value`` if it is a web address (``is_web_url``), else ``""``: what a link may show."""
    return value.strip() if is_web_url(value) else ""
