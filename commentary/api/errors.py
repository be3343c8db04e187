"""The API's error answers, and the messages a person reads in them.

Invalid filters answer 400 as ``{"errors": {"parameter": ["message", ...]}}``, the same
messages the list pages show. Everything else (404, 405, 410, 429) is DRF's
``{"detail": "message"}``. The API lives outside the language prefixes, so LocaleMiddleware
answers it in the default language; the messages are marked for translation all the same.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound, ValidationError

NO_SUCH_PAGE = _("No such page: pages are numbered from 1 to the last one.")
NO_SUCH_RECORD = _("Nothing published has this identifier.")


class InvalidParameters(ValidationError):
    """400 naming each invalid parameter: ``{"errors": {name: [message, ...]}}``."""

    def __init__(self, errors):
        super().__init__({"errors": errors})


class Gone(APIException):
    """A withdrawn statement: its permalink was public once, so say so instead of 404."""

    status_code = status.HTTP_410_GONE
    default_detail = _("This statement was withdrawn by the editors.")
    default_code = "gone"


def not_found(message=NO_SUCH_RECORD):
    return NotFound(message)
