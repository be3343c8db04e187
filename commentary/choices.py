"""The archive's value sets: one definition each, read by the models and their check
constraints, the named queries, the workflow, the filters and the outputs alike.

A leaf module: it imports nothing from the app, so every other module may use it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """Where a statement or collection stands in review; only ``PUBLISHED`` is shown."""

    DRAFT = "draft", _("draft")
    REVIEW = "review", _("in review")
    PUBLISHED = "published", _("published")
    WITHDRAWN = "withdrawn", _("withdrawn")


class QuoteKind(models.TextChoices):
    """Whether the text is the speaker's words: a paraphrase is never shown as a quote."""

    DIRECT = "direct", _("direct quote")
    PARTIAL = "partial", _("partial quote")
    PARAPHRASE = "paraphrase", _("paraphrase")


class CitationRole(models.TextChoices):
    """What a source did with a statement: first carried it, relayed it, compiled it."""

    FIRST = "first", _("first appearance")
    RELAY = "relay", _("relayed by")
    COMPILATION = "compilation", _("compiled in")


class DatePrecision(models.TextChoices):
    """How much of a partial date is known (see ``dates.py``)."""

    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


class Region(models.TextChoices):
    AFRICA = "Africa", _("Africa")
    AMERICAS = "Americas", _("Americas")
    ASIA = "Asia", _("Asia")
    EUROPE = "Europe", _("Europe")
    OCEANIA = "Oceania", _("Oceania")
