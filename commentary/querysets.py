"""Named queries. Public code reads statements through ``Quote.objects.published()``."""

from django.db import models
from django.db.models import Prefetch, Q

PUBLISHED = "published"  # Status.PUBLISHED in models.py


class PublishedQuerySet(models.QuerySet):
    def published(self):
        """The only rows public pages may show."""
        return self.filter(status=PUBLISHED)


class AffiliationQuerySet(models.QuerySet):
    def on_date(self, day):
        """Affiliations held on ``day``: started on or before it (or undated) and not ended."""
        return self.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=day),
            Q(end_date__isnull=True) | Q(end_date__gte=day),
        )


class QuoteQuerySet(PublishedQuerySet):
    def by_country(self, *codes):
        return self.filter(speakers__expert__country__in=codes).distinct()

    def with_speakers(self):
        """Speakers in order with their expert, country and role at the time: two queries."""
        from .models import QuoteSpeaker

        return self.prefetch_related(
            Prefetch(
                "speakers",
                queryset=QuoteSpeaker.objects.select_related(
                    "expert", "expert__country", "affiliation", "affiliation__organization"
                ).order_by("position"),
            )
        )

    def for_list(self):
        """What a list of statement cards needs, in a fixed number of queries."""
        from .models import Citation

        return self.with_speakers().prefetch_related(
            "topics",
            Prefetch(
                "citations",
                queryset=Citation.objects.select_related("source", "source__outlet").order_by(
                    "position"
                ),
            ),
        )


class CollectionQuerySet(PublishedQuerySet):
    pass
