"""Forms of the editors' admin: the duplicate checks before a new statement, expert or
outlet is saved, and the statement's publication check."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from ..editorial import workflow
from ..editorial.duplicates import likely_duplicates
from ..models import Affiliation, Expert, Organization, Outlet, Status
from .base import ArchiveForm


def _rows(formsets, model_name, field):
    """Values of ``field`` in the kept rows of the inline formset for ``model_name``
    (None: the form has no such formset, e.g. rows shown read-only)."""
    values = None
    for formset in formsets:
        if formset.model._meta.model_name != model_name:
            continue
        values = values or []
        for form in formset.forms:
            if not form.is_valid() or (not form.has_changed() and not form.instance.pk):
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            value = form.cleaned_data.get(field)
            if value is not None:
                values.append(value)
    return values


class ConfirmsDuplicates(ArchiveForm):
    """A new record that looks like one already in the archive is not saved until the editor
    has seen the likely duplicates and ticked "This is not a duplicate"; the box is shown
    only then. Subclasses list the candidates: ``likely_duplicates(cleaned)`` gives
    (record, admin URL, reason) triples."""

    confirm_not_duplicate = forms.BooleanField(
        label=_("This is not a duplicate"),
        required=False,
        help_text=_("Tick after checking the likely duplicates listed above, to save anyway."),
    )
    duplicates_heading = _("This record may already be in the archive:")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "confirm_not_duplicate" in self.fields:
            self.fields["confirm_not_duplicate"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        new = cleaned is not None and self.instance.pk is None
        if new and not cleaned.get("confirm_not_duplicate"):
            self.refuse_duplicates(self.likely_duplicates(cleaned))
        return cleaned

    def likely_duplicates(self, cleaned):
        return []

    def refuse_duplicates(self, candidates):
        if not candidates:
            return
        if "confirm_not_duplicate" in self.fields:
            self.fields["confirm_not_duplicate"].widget = forms.CheckboxInput()
        items = format_html_join(
            "",
            '<li><a href="{}" target="_blank" rel="noopener">{}</a> ({})</li>',
            candidates,
        )
        raise ValidationError(
            format_html(
                "{}<ul class='duplicates'>{}</ul>{}",
                self.duplicates_heading,
                items,
                _("If it is different, tick “This is not a duplicate” and save again."),
            ),
            code="duplicate",
        )


class ExpertForm(ConfirmsDuplicates):
    """Same name in any script (or a spelling the archive keeps) and the same country."""

    duplicates_heading = _("This expert may already be in the archive:")

    def likely_duplicates(self, cleaned):
        names = [n for n in (cleaned.get("name"), cleaned.get("name_zh")) if n]
        if not names:
            return []
        matches = Expert.objects.none()
        for name in names:
            matches |= Expert.objects.matching_name(name, exact=True)
        if cleaned.get("country"):
            matches = matches.filter(Q(country=cleaned["country"]) | Q(country__isnull=True))
        return [
            (
                reverse("admin:commentary_expert_change", args=[e.pk]),
                str(e),
                e.country.name if e.country else _("no country"),
            )
            for e in matches.select_related("country").distinct()[:10]
        ]


class OutletForm(ConfirmsDuplicates):
    duplicates_heading = _("This outlet may already be in the archive:")

    def likely_duplicates(self, cleaned):
        names = [n for n in (cleaned.get("name"), cleaned.get("name_zh")) if n]
        matches = Outlet.objects.none()
        for name in names:
            matches |= Outlet.objects.matching_name(name, exact=True)
        return [
            (
                reverse("admin:commentary_outlet_change", args=[o.pk]),
                str(o),
                o.get_kind_display(),
            )
            for o in matches.distinct()[:10]
        ]


class QuoteForm(ConfirmsDuplicates):
    duplicates_heading = _("This statement may already be in the archive:")

    def clean(self):
        cleaned = super().clean()
        self.check_complete(cleaned)
        return cleaned

    def entered(self, model_name, field):
        formsets = getattr(self.instance, "entered_formsets", ())
        return _rows(formsets, model_name, field)

    def check_complete(self, cleaned):
        """A statement that is or becomes published keeps a speaker and a source: the rows
        this form is about to save count, not the stored ones. A published original that
        published translations take their speakers from stays published."""
        if cleaned is None:
            return
        if cleaned.get("status", self.instance.status) != Status.PUBLISHED:
            if problems := workflow.translations_left_without_credits(self.instance):
                raise ValidationError(problems, code="incomplete")
            return
        speakers = self.entered("quotespeaker", "expert")
        citations = self.entered("citation", "source")
        problems = workflow.missing_for_publication(
            self.instance,
            speakers=None if speakers is None else len(speakers),
            citations=None if citations is None else len(citations),
            original=cleaned.get("original", workflow.STORED),
        )
        if problems:
            raise ValidationError(problems, code="incomplete")

    def likely_duplicates(self, cleaned):
        candidates = likely_duplicates(
            cleaned.get("text", ""),
            experts=self.entered("quotespeaker", "expert") or [],
            sources=self.entered("citation", "source") or [],
            said_on=cleaned.get("said_on"),
        )
        # A translation shares its original's speakers, sources and date by design.
        original = cleaned.get("original")
        if original is not None:
            candidates = [
                c for c in candidates if original.pk not in (c.quote.pk, c.quote.original_id)
            ]
        reasons = {
            "source": _("same speaker, source and date"),
            "text": _("same speaker, similar text"),
        }
        return [
            (
                reverse("admin:commentary_quote_change", args=[c.quote.pk]),
                str(c.quote),
                f"{c.quote.get_status_display()}, {c.quote.display_date or '—'}; "
                f"{reasons[c.reason]}",
            )
            for c in candidates
        ]


class SpeakerForm(ArchiveForm):
    """A speaker row of the statement form. A role the expert's record does not have yet can
    be typed here (with its organisation) instead of through nested pop-ups: it is added to
    the expert's roles and becomes this row's role at the time."""

    new_role = forms.CharField(
        label=_("or a new role"),
        max_length=300,
        required=False,
        help_text=_("As the source gives it, e.g. “former deputy foreign minister”."),
    )
    new_role_zh = forms.CharField(label=_("new role (Chinese)"), max_length=300, required=False)
    new_role_organization = forms.ModelChoiceField(
        label=_("organisation of the new role"),
        queryset=Organization.objects.all(),
        required=False,
        widget=AutocompleteSelect(Affiliation._meta.get_field("organization"), admin.site),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned is None:
            return cleaned
        typed = cleaned.get("new_role") or cleaned.get("new_role_zh")
        if not typed and cleaned.get("new_role_organization"):
            self.add_error("new_role", _("Type the new role held at this organisation."))
        elif typed and cleaned.get("affiliation"):
            self.add_error(
                "new_role", _("Choose one of the expert's roles or type a new one, not both.")
            )
        return cleaned

    def save(self, commit=True):
        cleaned = self.cleaned_data
        if cleaned.get("new_role") or cleaned.get("new_role_zh"):
            expert = self.instance.expert
            last = expert.affiliations.order_by("-position").values_list("position", flat=True)
            self.instance.affiliation = Affiliation.objects.create(
                expert=expert,
                organization=cleaned.get("new_role_organization"),
                role=cleaned.get("new_role", ""),
                role_zh=cleaned.get("new_role_zh", ""),
                position=(last.first() or 0) + 1,
            )
        return super().save(commit)
