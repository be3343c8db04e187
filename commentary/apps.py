from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentaryConfig(AppConfig):
    name = "commentary"
    verbose_name = _("Commentary archive")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import slugs
        from .browse import facets
        from .editorial import history, workflow
        from .models import Quote
        from .search import fulltext
        from .search import index as search_index

        Quote._meta.pk.register_lookup(fulltext.FullTextMatch)
        search_index.connect()
        history.register()
        history.connect()
        workflow.connect()
        slugs.connect()
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(facets.archive_changed, dispatch_uid="commentary.facets")
