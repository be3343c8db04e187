"""The statement form: the duplicate check before a new statement is saved."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .. import workflow
from ..duplicates import likely_duplicates
from ..models import Status
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


class QuoteForm(ArchiveForm):
    confirm_not_duplicate = forms.BooleanField(
        label=_("This is not a duplicate"),
        required=False,
        help_text=_(
            "Tick after checking the likely duplicates listed above, to save anyway. "
            "Shown only when the archive already has a similar statement by a speaker."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and not cleaned.get("confirm_not_duplicate"):
            self.check_duplicates(cleaned)
        self.check_complete(cleaned)
        return cleaned

    def entered(self, model_name, field):
        formsets = getattr(self.instance, "entered_formsets", ())
        return _rows(formsets, model_name, field)

    def check_complete(self, cleaned):
        """A statement that is or becomes published keeps a speaker and a source: the rows
        this form is about to save count, not the stored ones."""
        if cleaned is None or cleaned.get("status", self.instance.status) != Status.PUBLISHED:
            return
        speakers = self.entered("quotespeaker", "expert")
        citations = self.entered("citation", "source")
        problems = workflow.missing_for_publication(
            self.instance,
            speakers=None if speakers is None else len(speakers),
            citations=None if citations is None else len(citations),
            original=cleaned.get("original"),
        )
        if problems:
            raise ValidationError(problems, code="incomplete")

    def check_duplicates(self, cleaned):
        candidates = likely_duplicates(
            cleaned.get("text", ""),
            experts=self.entered("quotespeaker", "expert") or [],
            sources=self.entered("citation", "source") or [],
            said_on=cleaned.get("said_on"),
        )
        if not candidates:
            return
        reasons = {
            "source": _("same speaker, source and date"),
            "text": _("same speaker, similar text"),
        }
        items = format_html_join(
            "",
            '<li><a href="{}" target="_blank" rel="noopener">{}</a> ({}, {}; {})</li>',
            (
                (
                    reverse("admin:commentary_quote_change", args=[c.quote.pk]),
                    str(c.quote),
                    c.quote.get_status_display(),
                    c.quote.display_date or "—",
                    reasons[c.reason],
                )
                for c in candidates
            ),
        )
        raise ValidationError(
            format_html(
                "{}<ul class='duplicates'>{}</ul>{}",
                _("This statement may already be in the archive:"),
                items,
                _("If it is different, tick “This is not a duplicate” and save again."),
            ),
            code="duplicate",
        )
