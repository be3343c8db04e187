from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentaryConfig(AppConfig):
    name = "commentary"
    verbose_name = _("Commentary archive")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import fulltext, search_index
        from .models import Quote

        Quote._meta.pk.register_lookup(fulltext.FullTextMatch)
        search_index.connect()
