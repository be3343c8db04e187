"""The one Django app of the archive. Its models are one graph, so its rooms (``search/``,
``browse/``, ``editorial/``, ``outputs/``, ...) are subpackages of it, not apps of their own.

``ready()`` is where the app wires itself up, in one place: the full-text lookup, the
history registration, and each room's signal receivers (each room lists its receivers in
its ``receivers.py``; the core's keep former slugs, see ``slugs.py``).
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentaryConfig(AppConfig):
    name = "commentary"
    verbose_name = _("Commentary archive")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import slugs, startup  # noqa: F401  (startup registers a deploy check)
        from .caching import receivers as caching_receivers
        from .counting import receivers as counting_receivers
        from .editorial import history
        from .editorial import receivers as editorial_receivers
        from .models import Quote
        from .search import fulltext
        from .search import receivers as search_receivers

        Quote._meta.pk.register_lookup(fulltext.FullTextMatch)
        history.register()
        slugs.connect()
        search_receivers.connect()
        editorial_receivers.connect()
        counting_receivers.connect()
        caching_receivers.connect()
