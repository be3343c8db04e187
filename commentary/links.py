"""Absolute, language-neutral URLs of records.

A record has one permanent URL whatever the interface language (``/quotes/12/``, never
``/zh-hans/quotes/12/``), so that the permalink in a citation, the JSON-LD ``@id``, a feed
entry's ``id``, an export's ``url``, the API's ``url`` and Popolo's links all agree.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation


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
