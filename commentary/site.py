"""The archive's own name, for every page, citation, feed, export and the admin.

A leaf module. The name is translated (评论档案馆 on the Chinese interface); surfaces
meant to read the same in every language (Popolo, schema.org and Open Graph metadata) use
``neutral_name()``, the name in the archive's default language.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

NAME = _("Commentary Archive")


def neutral_name():
    """The archive's name in ``LANGUAGE_CODE``, whatever the interface language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(NAME)
