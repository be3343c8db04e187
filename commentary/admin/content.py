"""The editors' admin: every model, with autocompletes so that no form lists every row."""

from django.contrib import admin
from django.db.models import Exists, OuterRef, Prefetch
from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .. import site
from ..browse.pagination import CappedPaginator
from ..editorial.merge import merge_experts, merge_outlets
from ..models import (
    Affiliation,
    Citation,
    Collection,
    CollectionEntry,
    CollectionSection,
    Country,
    Expert,
    ExpertName,
    Organization,
    Outlet,
    Quote,
    QuoteSpeaker,
    Source,
    Topic,
)
from . import importing
from .base import ArchiveAdmin, ArchiveInline, ArchiveInlineFormSet
from .forms import ExpertForm, OutletForm, QuoteForm, SpeakerForm
from .merging import MergeAdmin
from .preservation import LinkHealthAdmin, LinkHealthFilter
from .protection import ShownOnStatementsAdmin, ShownOnStatementsInline
from .workflow import AwaitingReviewFilter, ChildOfReviewedAdmin, ReviewedAdmin, ReviewedInline

admin.site.site_header = format_lazy(_("{archive} editors"), archive=site.NAME)
admin.site.site_title = site.NAME
admin.site.index_title = _("Curate the archive")


class SpeakerCountryFilter(admin.SimpleListFilter):
    title = _("speaker's country")
    parameter_name = "speaker_country"

    def lookups(self, request, model_admin):
        # EXISTS per country (249 index probes), not DISTINCT over a join with every expert.
        countries = Country.objects.filter(
            Exists(Expert.objects.filter(country=OuterRef("pk")))
        ).order_by("name")
        return [(c.code, c.name) for c in countries]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(speakers__expert__country=self.value()).distinct()
        return queryset


class DuplicateCheckedAdmin:
    """The add form starts with the (hidden until needed) "This is not a duplicate" box."""

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != "confirm_not_duplicate"]
        return ["confirm_not_duplicate", *fields] if obj is None else fields


# Inlines ------------------------------------------------------------------------------


class PositionedInlineFormSet(ArchiveInlineFormSet):
    """New rows offer the next free positions; rows left blank (or at 0) are numbered after
    the others, in the order shown.

    Editors add speakers, citations, sections and entries in reading order; they should not
    have to type 1, 2, 3 to satisfy the unique-position constraint.
    """

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "position" in form.fields:
            form.fields["position"].required = False  # blank: numbered after the others

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        extra = i - self.initial_form_count()
        if extra >= 0 and not form.initial.get("position"):
            form.initial["position"] = self._next_free_position() + extra
        return form

    def _next_free_position(self):
        if not hasattr(self, "_next_free"):
            taken = [row.position or 0 for row in self.get_queryset()]
            self._next_free = max(taken, default=0) + 1
        return self._next_free

    @property
    def empty_form(self):
        form = super().empty_form
        form.initial["position"] = None  # a row added in the page: numbered on save
        return form

    def clean(self):
        kept = [
            form
            for form in self.forms
            if hasattr(form, "cleaned_data")
            and (form.has_changed() or form.instance.pk)
            and not (self.can_delete and self._should_delete_form(form))
        ]
        taken = {form.cleaned_data.get("position") or 0 for form in kept}
        next_position = max(taken, default=0) + 1
        for form in kept:
            if not form.cleaned_data.get("position"):
                form.cleaned_data["position"] = form.instance.position = next_position
                next_position += 1
        super().clean()


class PositionedInline(ArchiveInline):
    formset = PositionedInlineFormSet


def translated_statement(request):
    """The statement named by ``?translation_of=`` on the add form, if any (looked up once
    per request: the form's initial data and both inlines ask)."""
    if not hasattr(request, "translated_statement"):
        pk = request.GET.get("translation_of", "")
        valid = pk.isascii() and pk.isdigit() and len(pk) <= 18
        request.translated_statement = Quote.objects.filter(pk=int(pk)).first() if valid else None
    return request.translated_statement


class TranslationPrefilled:
    """Inline mixin: on "Add a translation", rows pre-filled from the original's
    (``copied``: the fields copied), as many extra rows as it has."""

    copied = ()

    def rows_of(self, original):
        rows = getattr(original, self.relation).order_by("position")
        return [{name: row.serializable_value(name) for name in self.copied} for row in rows]

    def get_extra(self, request, obj=None, **kwargs):
        if obj is None and request.method == "GET":
            original = translated_statement(request)
        else:
            original = None
        if original is not None:
            return max(len(self.rows_of(original)), 1)
        return super().get_extra(request, obj, **kwargs)


class QuoteSpeakerInline(TranslationPrefilled, ReviewedInline, PositionedInline):
    model = QuoteSpeaker
    relation = "speakers"
    copied = ["position", "expert", "affiliation"]
    form = SpeakerForm
    autocomplete_fields = ["expert", "affiliation"]
    fields = [
        "position",
        "expert",
        "affiliation",
        "new_role",
        "new_role_zh",
        "new_role_organization",
        "version",
    ]
    ordering = ["position"]


class CitationInline(TranslationPrefilled, ReviewedInline, PositionedInline):
    model = Citation
    relation = "citations"
    copied = ["position", "source", "role", "locator"]
    autocomplete_fields = ["source"]
    fields = ["position", "source", "role", "locator", "version"]
    ordering = ["position"]


class ExpertNameInline(ShownOnStatementsInline, ArchiveInline):
    model = ExpertName
    fields = ["name", "language", "note", "version"]


class AffiliationInline(ShownOnStatementsInline, PositionedInline):
    model = Affiliation
    autocomplete_fields = ["organization"]
    fields = [
        "position",
        "organization",
        "role",
        "role_zh",
        "start_date",
        "end_date",
        "is_former",
        "version",
    ]


class CollectionSectionInline(ReviewedInline, PositionedInline):
    model = CollectionSection
    fields = ["position", "title", "title_zh", "slug", "version"]
    show_change_link = True


class CollectionEntryInline(ReviewedInline, PositionedInline):
    model = CollectionEntry
    parent_path = "collection"
    autocomplete_fields = ["quote"]
    fields = ["position", "quote", "version"]
    ordering = ["position"]


# Statements ---------------------------------------------------------------------------


@admin.register(Quote)
class QuoteAdmin(ReviewedAdmin, ArchiveAdmin):
    form = QuoteForm
    # Counts at most COUNT_CAP + 1 rows: an exact count of a million statements took a
    # second on every changelist page.
    paginator = CappedPaginator
    inlines = [QuoteSpeakerInline, CitationInline]
    autocomplete_fields = ["topics", "original"]
    list_display = ["short_text", "speaker_names", "display_date", "kind", "language", "status"]
    list_display_links = ["short_text"]
    list_filter = [
        AwaitingReviewFilter,
        "status",
        "kind",
        "language",
        "topics",
        SpeakerCountryFilter,
    ]
    search_fields = [
        "text",
        "speakers__expert__name",
        "speakers__expert__name_zh",
        "speakers__expert__other_names__name",
    ]
    date_hierarchy = "said_on"
    readonly_fields = ["created_at", "updated_at", "workflow_log"]
    # Rendered with the speakers and sources right after the words
    # (templates/admin/commentary/quote/change_form.html); the workflow comes last.
    fieldsets = [
        (None, {"fields": ["text", "kind", "language"]}),
        (_("Date"), {"fields": [("said_on", "date_precision")]}),
        (_("Translation and context"), {"fields": ["original", "translator", "context"]}),
        (_("Topics"), {"fields": ["topics"]}),
        (_("Workflow"), {"fields": ["status", "version"]}),
        (_("Record"), {"fields": ["created_at", "updated_at", "workflow_log"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:  # the duplicate check's confirmation box, shown only when needed
            (name, options), *rest = fieldsets
            fieldsets = [
                (name, {**options, "fields": ["confirm_not_duplicate", *options["fields"]]}),
                *rest,
            ]
        return fieldsets

    # "Add a translation of this statement": the add form pre-filled from the original.

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.pop("translation_of", None)
        original = translated_statement(request)
        if original is not None:
            initial.update(
                original=original.pk,
                kind=original.kind,
                language=Quote.Language.EN
                if original.language.startswith("zh")
                else Quote.Language.ZH_HANS,
                said_on=original.said_on,
                date_precision=original.date_precision,
                topics=[topic.pk for topic in original.topics.all()],
            )
        return initial

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        original = translated_statement(request) if request.method == "GET" else None
        if original is not None and isinstance(inline, TranslationPrefilled):
            kwargs["initial"] = inline.rows_of(original)
        return kwargs

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        # The form's duplicate check reads the speakers and sources being entered.
        obj.entered_formsets = formsets
        return formsets, inline_instances

    class Media:
        js = ["admin/js/jquery.init.js", "commentary/admin/speaker_affiliation.js"]
        css = {"all": ["commentary/admin/speakers.css"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "speakers",
                    queryset=QuoteSpeaker.objects.select_related("expert").order_by("position"),
                )
            )
        )

    def get_changelist_instance(self, request):
        """No year links over a text search's matches: Django finds them with ``DISTINCT
        date_trunc`` over every match, 1.1 s for the 500,000 statements that say 中国. A
        year chosen before searching stays chosen, with its month links."""
        changelist = super().get_changelist_instance(request)
        dated = any(key.startswith(f"{self.date_hierarchy}__") for key in request.GET)
        if changelist.query and not dated:
            changelist.date_hierarchy = None
        return changelist

    def get_search_results(self, request, queryset, search_term):
        """The archive's own search (the full-text index, both scripts, speakers' names and
        sources), drafts included: a ``LIKE`` over the text and three joins took 20 s at a
        million statements."""
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term), False

    @admin.display(description=_("text"))
    def short_text(self, obj):
        return str(obj)

    @admin.display(description=_("speakers"))
    def speaker_names(self, obj):
        return "; ".join(str(s.expert) for s in obj.speakers.all())

    @admin.display(description=_("date"), ordering="said_on")
    def display_date(self, obj):
        return obj.display_date


@admin.register(QuoteSpeaker)
class QuoteSpeakerAdmin(ChildOfReviewedAdmin, ArchiveAdmin):
    parent_field = "quote"
    list_display = ["expert", "quote", "affiliation", "position"]
    list_select_related = ["expert", "quote", "affiliation", "affiliation__organization"]
    autocomplete_fields = ["quote", "expert", "affiliation"]
    search_fields = ["expert__name", "expert__name_zh", "quote__text"]


@admin.register(Citation)
class CitationAdmin(ChildOfReviewedAdmin, ArchiveAdmin):
    parent_field = "quote"
    list_display = ["quote", "source", "role", "position"]
    list_select_related = ["quote", "source", "source__outlet"]
    list_filter = ["role"]
    autocomplete_fields = ["quote", "source"]
    search_fields = ["source__title", "source__outlet__name", "quote__text"]


# People and organisations -------------------------------------------------------------


@admin.register(Expert)
class ExpertAdmin(DuplicateCheckedAdmin, ShownOnStatementsAdmin, MergeAdmin, ArchiveAdmin):
    form = ExpertForm
    shown_fields = ["name", "name_zh", "sort_name", "kind", "country"]
    inlines = [AffiliationInline, ExpertNameInline]
    merge = staticmethod(merge_experts)
    list_display = ["name", "name_zh", "kind", "country"]
    list_select_related = ["country"]
    list_filter = ["kind", "country__region"]
    search_fields = ["name", "name_zh", "sort_name", "other_names__name", "slug"]
    autocomplete_fields = ["country"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        "name",
        "name_zh",
        "sort_name",
        "slug",
        "kind",
        "country",
        "bio",
        "wikidata_id",
        "version",
    ]


@admin.register(ExpertName)
class ExpertNameAdmin(ShownOnStatementsAdmin, ArchiveAdmin):
    list_display = ["name", "expert", "language"]
    list_select_related = ["expert"]
    autocomplete_fields = ["expert"]
    search_fields = ["name", "expert__name"]


@admin.register(Affiliation)
class AffiliationAdmin(ShownOnStatementsAdmin, ArchiveAdmin):
    list_display = ["expert", "role", "organization", "start_date", "end_date", "is_former"]
    list_select_related = ["expert", "organization"]
    list_filter = ["is_former"]
    autocomplete_fields = ["expert", "organization"]
    search_fields = ["role", "role_zh", "organization__name", "expert__name", "expert__name_zh"]

    def get_search_results(self, request, queryset, search_term):
        # The quote form's speaker rows ask for the chosen expert's roles only (see
        # static/commentary/admin/speaker_affiliation.js).
        expert = request.GET.get("expert", "")
        if expert.isdigit():
            queryset = queryset.filter(expert_id=int(expert))
        return super().get_search_results(request, queryset, search_term)


@admin.register(Organization)
class OrganizationAdmin(ShownOnStatementsAdmin, ArchiveAdmin):
    shown_fields = ["name", "name_zh", "short_name", "kind", "country", "parent"]
    list_display = ["name", "name_zh", "short_name", "kind", "country"]
    list_select_related = ["country"]
    list_filter = ["kind"]
    search_fields = ["name", "name_zh", "short_name", "slug"]
    autocomplete_fields = ["country", "parent"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Country)
class CountryAdmin(ArchiveAdmin):
    list_display = ["code", "name", "name_zh", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name", "name_zh"]


# Where statements come from -----------------------------------------------------------


@admin.register(Outlet)
class OutletAdmin(DuplicateCheckedAdmin, ShownOnStatementsAdmin, MergeAdmin, ArchiveAdmin):
    form = OutletForm
    shown_fields = ["name", "name_zh", "kind", "country", "homepage"]
    merge = staticmethod(merge_outlets)
    list_display = ["name", "name_zh", "kind", "country"]
    list_select_related = ["country"]
    list_filter = ["kind"]
    search_fields = ["name", "name_zh", "slug"]
    autocomplete_fields = ["country"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(LinkHealthAdmin, ShownOnStatementsAdmin, ArchiveAdmin):
    # The link fields are the link checker's (preservation/), read-only here.
    shown_fields = [
        "outlet",
        "title",
        "kind",
        "url",
        "language",
        "published_on",
        "date_precision",
        "archived_url",
        "archived_on",
    ]
    list_display = [
        "__str__",
        "outlet",
        "kind",
        "published_on",
        "link_status",
        "link_checked_at",
        "copies_allowed",
    ]
    list_editable = ["copies_allowed"]
    list_select_related = ["outlet"]
    list_filter = [LinkHealthFilter, "kind", "link_status", "copies_allowed", "outlet__kind"]
    search_fields = ["title", "url", "outlet__name", "outlet__name_zh"]
    autocomplete_fields = ["outlet"]
    date_hierarchy = "published_on"
    fieldsets = [
        (None, {"fields": ["outlet", "title", "kind", "url", "language"]}),
        (_("Date"), {"fields": [("published_on", "date_precision")]}),
        (_("Copy in another web archive"), {"fields": ["archived_url", "archived_on"]}),
        (_("Link health and our copies"), {"fields": LinkHealthAdmin.link_fields}),
        (None, {"fields": ["notes", "version"]}),
    ]


@admin.register(Topic)
class TopicAdmin(ArchiveAdmin):
    list_display = ["name", "name_zh", "parent"]
    list_select_related = ["parent"]
    search_fields = ["name", "name_zh", "slug"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}


# Collections --------------------------------------------------------------------------


@admin.register(Collection)
class CollectionAdmin(ReviewedAdmin, ArchiveAdmin):
    inlines = [CollectionSectionInline]
    list_display = ["title", "compiler", "published_on", "status"]
    list_select_related = ["compiler"]
    list_filter = [AwaitingReviewFilter, "status"]
    search_fields = ["title", "title_zh", "slug"]
    autocomplete_fields = ["compiler", "source", "translation_source"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["workflow_log"]
    change_list_template = "admin/commentary/collection/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(importing.ImportView(self))
        return [
            path("import/", view, name="commentary_collection_import"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_import": request.user.has_perms(importing.PERMISSIONS),
        }
        return super().changelist_view(request, extra_context)


@admin.register(CollectionSection)
class CollectionSectionAdmin(ChildOfReviewedAdmin, ArchiveAdmin):
    parent_field = "collection"
    inlines = [CollectionEntryInline]
    list_display = ["title", "collection", "position"]
    list_select_related = ["collection"]
    search_fields = ["title", "title_zh", "collection__title"]
    autocomplete_fields = ["collection"]


@admin.register(CollectionEntry)
class CollectionEntryAdmin(ChildOfReviewedAdmin, ArchiveAdmin):
    parent_field = "section"
    parent_path = "collection"
    list_display = ["section", "position", "quote"]
    list_select_related = ["section", "quote"]
    autocomplete_fields = ["section", "quote"]
    search_fields = ["quote__text", "section__title"]
