"""The statement list's filters: one FilterSet, its parameters as in DESIGN.md.

Parameters: ``q``, ``country`` (repeatable), ``region``, ``expert``, ``organization``,
``outlet``, ``source_kind``, ``topic``, ``language``, ``kind``, ``date_from``, ``date_to``,
``collection``, ``source`` (a number; the export and feed links of a source page carry it),
``sort``, ``page_size`` (``page`` is the paginator's).

Experts, organisations and outlets are text fields, never a ``<select>`` of every row:
they take a slug (what links and the suggestion list give) or a name in any script, and
when a name matches no one, or several, the form says so and offers suggestions.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..dates import parse_partial_date, period_end
from ..models import (
    Collection,
    Country,
    Expert,
    Organization,
    Outlet,
    Quote,
    Region,
    Source,
    Topic,
)

PAGE_SIZES = (20, 50, 100)
SUGGESTION_LIMIT = 8
MAX_QUERY_LENGTH = 500
MAX_QUERY_WORDS = 20
# The longest name (or slug) a filter takes: an expert, an organisation, an outlet.
NAME_LIMIT = 200


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    OLDEST = "oldest"
    CHOICES = (
        (RELEVANCE, _("relevance")),
        (NEWEST, _("newest first")),
        (OLDEST, _("oldest first")),
    )


class PartialDateField(forms.CharField):
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; cleans to ``(date, precision)`` or None."""

    default_error_messages = {
        "invalid": _("Enter a year (2026), a month (2026-02) or a day (2026-02-04)."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_partial_date(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class NamedObjectField(forms.CharField):
    """A slug or a name; cleans to one object of ``queryset`` or explains why not.

    Tried in order: the slug; a whole name, any script, case-insensitive; a part of a name
    that only one object has. When the value names no one or several, ``suggestions`` holds
    up to eight candidates for the page to offer as links (no JavaScript needed).
    """

    def __init__(self, queryset, slug_field="slug", **kwargs):
        self.queryset = queryset
        self.slug_field = slug_field
        self.suggestions = []
        # Checked by hand before the lookups: CharField's validator would see the object.
        self.limit = kwargs.pop("max_length", NAME_LIMIT)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        if len(value) > self.limit:
            raise ValidationError(_("At most %(limit)d characters."), params={"limit": self.limit})
        queryset = self.queryset.all()
        by_slug = queryset.filter(**{self.slug_field: value}).first()
        if by_slug:
            return by_slug
        matches = list(queryset.matching_name(value, exact=True)[:SUGGESTION_LIMIT])
        if len(matches) == 1:
            return matches[0]
        if matches:
            self.suggestions = matches
            raise ValidationError(self.error_messages["ambiguous"], params={"value": value})
        partial = list(queryset.matching_name(value)[:SUGGESTION_LIMIT])
        if len(partial) == 1:  # "Podvig" when only one name contains it
            return partial[0]
        self.suggestions = partial
        raise ValidationError(self.error_messages["unknown"], params={"value": value})


class ExpertField(NamedObjectField):
    default_error_messages = {
        "unknown": _("No expert in the archive is called “%(value)s”."),
        "ambiguous": _("Several experts are called “%(value)s”; choose one."),
    }


class OrganizationField(NamedObjectField):
    default_error_messages = {
        "unknown": _("No organisation in the archive is called “%(value)s”."),
        "ambiguous": _("Several organisations are called “%(value)s”; choose one."),
    }


class OutletField(NamedObjectField):
    default_error_messages = {
        "unknown": _("No outlet in the archive is called “%(value)s”."),
        "ambiguous": _("Several outlets are called “%(value)s”; choose one."),
    }


class SlugChoiceField(forms.ModelChoiceField):
    """A ``<select>`` by slug whose unknown values say which value was not found."""

    default_error_messages = {
        "invalid_choice": _("“%(value)s” is not in the archive."),
    }

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, to_field_name="slug", **kwargs)


class SourceField(forms.ModelChoiceField):
    """A source by its number, as the source page links to it (a hidden field)."""

    default_error_messages = {
        "invalid_choice": _("No source in the archive has the number “%(value)s”."),
    }


class CountryCodesField(forms.Field):
    """Repeated ISO codes (``?country=RU&country=US``); cleans to a list of countries."""

    widget = forms.SelectMultiple
    max_countries = 50
    default_error_messages = {
        "unknown": _("“%(value)s” is not a country code in the archive (e.g. RU, US)."),
        "malformed": _("“%(value)s” is not a country code (two letters, e.g. RU)."),
        "too_many": _("Choose at most %(limit)d countries."),
    }

    def clean(self, value):
        codes = list(dict.fromkeys(v.strip().upper() for v in value or () if v.strip()))
        if len(codes) > self.max_countries:
            raise ValidationError(
                self.error_messages["too_many"], params={"limit": self.max_countries}
            )
        for code in codes:
            if len(code) != 2 or not code.isascii() or not code.isalpha():
                raise ValidationError(self.error_messages["malformed"], params={"value": code[:20]})
        found = Country.objects.in_bulk(codes) if codes else {}
        for code in codes:
            if code not in found:
                raise ValidationError(self.error_messages["unknown"], params={"value": code})
        return [found[code] for code in codes]


def _filter_for(field):
    """A django-filter ``Filter`` whose form field is ``field``."""
    return type(f"{field.__name__}Filter", (django_filters.Filter,), {"field_class": field})


CountryFilter = _filter_for(CountryCodesField)
ExpertFilter = _filter_for(ExpertField)
OrganizationFilter = _filter_for(OrganizationField)
OutletFilter = _filter_for(OutletField)
SlugFilter = _filter_for(SlugChoiceField)
SourceFilter = _filter_for(SourceField)
PartialDateFilter = _filter_for(PartialDateField)


class QuoteFilterForm(forms.Form):
    """Fields that shape the list without filtering it, and checks across fields."""

    sort = forms.ChoiceField(label=_("Sort by"), choices=Sort.CHOICES, required=False)
    page_size = forms.TypedChoiceField(
        label=_("Per page"),
        choices=[(n, n) for n in PAGE_SIZES],
        coerce=int,
        required=False,
        empty_value=PAGE_SIZES[0],
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start[0] > period_end(*end):
            self.add_error("date_to", _("The end date is before the start date."))
        if len(set((data.get("q") or "").split())) > MAX_QUERY_WORDS:
            self.add_error("q", _("Use at most %(limit)d words.") % {"limit": MAX_QUERY_WORDS})
        # The order, decided here once: relevance when there are words to rank by (asking
        # for relevance without any is newest first, not an error), else newest first.
        if not data.get("sort") or (data["sort"] == Sort.RELEVANCE and not data.get("q")):
            data["sort"] = Sort.RELEVANCE if data.get("q") else Sort.NEWEST
        return data


class QuoteFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Words"), method="filter_search", max_length=MAX_QUERY_LENGTH
    )
    country = CountryFilter(label=_("Speaker's country"), method="filter_country")
    region = django_filters.ChoiceFilter(
        label=_("Region"), choices=Region.choices, method="filter_region"
    )
    expert = ExpertFilter(
        label=_("Expert"),
        method="filter_expert",
        queryset=Expert.objects.public(),
    )
    organization = OrganizationFilter(
        label=_("Organisation"),
        method="filter_organization",
        queryset=Organization.objects.public(),
    )
    outlet = OutletFilter(
        label=_("Outlet"),
        method="filter_outlet",
        queryset=Outlet.objects.public(),
    )
    source_kind = django_filters.ChoiceFilter(
        label=_("Kind of source"), choices=Source.Kind.choices, method="filter_source_kind"
    )
    topic = SlugFilter(
        label=_("Topic"),
        method="filter_topic",
        queryset=Topic.objects.all(),
    )
    language = django_filters.ChoiceFilter(label=_("Language"), choices=Quote.Language.choices)
    kind = django_filters.ChoiceFilter(
        label=pgettext_lazy("quote or paraphrase", "Kind"), choices=Quote.Kind.choices
    )
    date_from = PartialDateFilter(label=_("From"), method="filter_date_from")
    date_to = PartialDateFilter(label=_("To"), method="filter_date_to")
    collection = SlugFilter(
        label=_("Collection"),
        method="filter_collection",
        queryset=Collection.objects.published(),
    )
    source = SourceFilter(
        label=_("Source"), method="filter_source", queryset=Source.objects.public()
    )

    class Meta:
        model = Quote
        fields = []
        form = QuoteFilterForm

    def __init__(self, *args, exclude=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in exclude:
            del self.filters[name]

    # Filtering ----------------------------------------------------------------------

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_country(self, queryset, name, value):
        return queryset.by_country(*[country.code for country in value])

    def filter_region(self, queryset, name, value):
        return queryset.by_region(value)

    def filter_expert(self, queryset, name, value):
        return queryset.by_expert(value)

    def filter_organization(self, queryset, name, value):
        return queryset.by_organization(value)

    def filter_outlet(self, queryset, name, value):
        return queryset.by_outlet(value)

    def filter_source_kind(self, queryset, name, value):
        return queryset.by_source_kind(value)

    def filter_topic(self, queryset, name, value):
        return queryset.by_topic(value)

    def filter_date_from(self, queryset, name, value):
        return queryset.said_between(start=value[0])

    def filter_date_to(self, queryset, name, value):
        return queryset.said_between(end=period_end(*value))

    def filter_collection(self, queryset, name, value):
        return queryset.in_collection(value)

    def filter_source(self, queryset, name, value):
        return queryset.by_source(value)

    def filtered(self, queryset=None, exclude=()):
        """The rows the valid filters select, ignoring ``exclude`` (for facet counts)."""
        queryset = self.queryset.all() if queryset is None else queryset
        for name, value in self.form.cleaned_data.items():
            if name in self.filters and name not in exclude:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_queryset(self, queryset):
        return self.sorted(self.filtered(queryset))

    def sorted(self, queryset):
        sort = self.form.cleaned_data["sort"]
        if sort == Sort.RELEVANCE:
            return queryset.by_relevance()
        if sort == Sort.OLDEST:
            return queryset.oldest_first()
        return queryset.newest_first()


class ExpertListFilterSet(django_filters.FilterSet):
    """``/experts/``: find a person by any of their names, narrow by country."""

    name = django_filters.CharFilter(label=_("Name"), method="filter_name", max_length=NAME_LIMIT)
    country = CountryFilter(label=_("Country"), method="filter_country")

    class Meta:
        model = Expert
        fields = []

    def filter_name(self, queryset, name, value):
        return queryset.matching_name(value)

    def filter_country(self, queryset, name, value):
        return queryset.filter(country__in=value)
