"""The admin's "Import a compilation" page: paste or upload, check the preview, import.

Step one reads the text (``importing.text``) and shows what the importer proposes
(``importing.preview``). Step two is the preview as a form: the editor can correct any
field, re-assign a speaker (the expert's slug; blank for a new expert), split a statement
(a blank line in its text), merge it into the one before, or untick it, and either update
the preview or import (``importing.apply``). Nothing is written before "Import".
"""

import json
import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..choices import QuoteKind, Status
from ..dates import iso_partial_date, parse_partial_date
from ..importing import apply, preview
from ..importing import text as parsing
from ..models import Expert

# Adding everything an import creates, and changing the statements and collections a
# re-import updates.
PERMISSIONS = ["commentary.change_quote", "commentary.change_collection"] + [
    f"commentary.add_{model}"
    for model in (
        "collection",
        "collectionsection",
        "collectionentry",
        "quote",
        "quotespeaker",
        "citation",
        "expert",
        "affiliation",
        "outlet",
        "source",
    )
]
# Above this many statements the preview is shown but not imported here: each statement is
# nine form fields (a request holds at most DATA_UPLOAD_MAX_NUMBER_FIELDS, settings), and an
# import writes about 25 statements a second on PostgreSQL (bench/README.md), so a larger
# one would outlast the server's request timeout: split the text, or use the command.
EDITABLE_ENTRIES = 1000
LANGUAGE_CHOICES = [
    ("", gettext_lazy("Guess from the text")),
    ("zh-hans", "中文"),
    ("en", "English"),
]
STATUS_CHOICES = [
    (Status.DRAFT, gettext_lazy("drafts")),
    (Status.REVIEW, gettext_lazy("in review")),
]
SEPARATOR = " | "
PARTICULAR_LABELS = {
    "category": gettext_lazy("category"),
    "source_title": gettext_lazy("original title"),
    "source_url": gettext_lazy("original address"),
    "translator": gettext_lazy("translator"),
    "compiler": gettext_lazy("compiled by"),
    "disclaimer": gettext_lazy("disclaimer"),
}


class UploadForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "cols": 100, "lang": ""}),
        help_text=gettext_lazy(
            "Title on the first line, then the introduction, section headings, speaker lines "
            "ending with a colon (“Name (Latin name), role:”), and each statement with its "
            "citation “(outlet, date)”."
        ),
    )
    file = forms.FileField(
        label=gettext_lazy("or a UTF-8 text file"),
        required=False,
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"), choices=LANGUAGE_CHOICES, required=False
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        data = cleaned.get("text") or ""
        try:
            if upload:
                parsing.check_size(upload.size)
                data = upload.read()
            if not (data.strip() if isinstance(data, str) else data):
                raise forms.ValidationError(_("Paste a text or choose a file."))
            self.preview = preview.read(data, language=cleaned.get("language"))
        except parsing.RefusedText as error:
            raise forms.ValidationError(str(error)) from error
        return cleaned


class HeaderForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    language = forms.ChoiceField(
        label=gettext_lazy("Language"), choices=[("zh-Hans", "中文"), ("en", "English")]
    )
    introduction = forms.CharField(
        label=gettext_lazy("Introduction"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 100}),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Import the statements as"), choices=STATUS_CHOICES
    )
    particulars = forms.CharField(widget=forms.HiddenInput, required=False)
    unplaced = forms.CharField(widget=forms.HiddenInput, required=False)

    def _json(self, name, kind):
        try:
            value = json.loads(self.cleaned_data.get(name) or "null")
        except ValueError:
            value = kind()
        return value if isinstance(value, kind) else kind()

    def clean_particulars(self):
        value = self._json("particulars", dict)
        return {str(k): str(v) for k, v in value.items()}

    def clean_unplaced(self):
        return [str(line) for line in self._json("unplaced", list)]


def speaker_line(speaker):
    slug = speaker.expert.slug if speaker.expert else ""
    return SEPARATOR.join([speaker.name, speaker.latin_name or "", speaker.role, slug])


class EntryForm(forms.Form):
    include = forms.BooleanField(label=gettext_lazy("Import"), required=False, initial=True)
    section = forms.CharField(label=gettext_lazy("Section"), max_length=300, required=False)
    speakers = forms.CharField(
        label=gettext_lazy("Speakers"),
        widget=forms.Textarea(attrs={"rows": 2, "cols": 90}),
        help_text=gettext_lazy(
            "One per line: name | Latin name | role | expert's slug (blank: a new expert)."
        ),
    )
    text = forms.CharField(
        label=gettext_lazy("Text"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 90}),
        help_text=gettext_lazy("A blank line splits it into two statements."),
    )
    merge = forms.BooleanField(label=gettext_lazy("Merge into the one before"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=QuoteKind.choices)
    said_on = forms.CharField(
        label=gettext_lazy("Date"),
        required=False,
        max_length=10,
        help_text=gettext_lazy("YYYY, YYYY-MM or YYYY-MM-DD"),
    )
    outlet = forms.CharField(label=gettext_lazy("Outlet"), required=False, max_length=500)
    line = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def clean_speakers(self):
        speakers = []
        for row in self.cleaned_data["speakers"].splitlines():
            if not row.strip():
                continue
            name, latin, role, slug = ([p.strip() for p in row.split("|")] + ["", "", ""])[:4]
            if not name:
                raise forms.ValidationError(
                    _("Each speaker needs a name: “%(row)s”.") % {"row": row}
                )
            if slug and not Expert.objects.filter(slug=slug).exists():
                raise forms.ValidationError(
                    _("No expert has the slug “%(slug)s”; leave it blank for a new expert.")
                    % {"slug": slug}
                )
            speakers.append(
                parsing.Speaker(name[:200], latin[:200] or None, [role[:300]] if role else [], slug)
            )
        if not speakers:
            raise forms.ValidationError(_("A statement needs at least one speaker."))
        return speakers

    def clean_said_on(self):
        value = self.cleaned_data["said_on"].strip()
        if not value:
            return None
        try:
            return iso_partial_date(*parse_partial_date(value))
        except ValueError as error:
            raise forms.ValidationError(
                _("Enter a date as YYYY, YYYY-MM or YYYY-MM-DD.")
            ) from error


EntryFormSet = forms.formset_factory(
    EntryForm, extra=0, max_num=EDITABLE_ENTRIES, validate_max=True, absolute_max=EDITABLE_ENTRIES
)


def header_initial(proposed, status=Status.DRAFT):
    return {
        "title": proposed.title,
        "language": proposed.language,
        "introduction": proposed.introduction,
        "status": status,
        "particulars": json.dumps(proposed.particulars, ensure_ascii=False),
        "unplaced": json.dumps(proposed.unplaced, ensure_ascii=False),
    }


def entries_initial(proposed):
    return [
        {
            "include": entry.include,
            "section": section.title,
            "speakers": "\n".join(speaker_line(s) for s in entry.speakers),
            "text": entry.text,
            "kind": entry.kind,
            "said_on": entry.said_on or "",
            "outlet": entry.outlet or "",
            "line": entry.line,
        }
        for section in proposed.sections
        for entry in section.entries
    ]


def compilation_from(header, entry_forms):
    """The corrected ``text.Compilation``: splits, merges and section moves applied."""
    compilation = parsing.Compilation(
        title=header["title"],
        language=header["language"],
        introduction=header["introduction"],
        unplaced=header["unplaced"],
        particulars=header["particulars"],
    )
    sections = {}
    last = None
    for form in entry_forms:
        data = form.cleaned_data
        if not data:
            continue
        if data["merge"] and last is not None:
            last.text = f"{last.text}\n{data['text'].strip()}"
            continue
        title = data["section"].strip()
        if title not in sections:
            sections[title] = parsing.Section(title)
            compilation.sections.append(sections[title])
        pieces = [p.strip() for p in _blank_lines(data["text"]) if p.strip()]
        for piece in pieces:
            paragraph = parsing.Paragraph(
                speakers=[
                    parsing.Speaker(s.name, s.latin_name, list(s.roles), s.choice)
                    for s in data["speakers"]
                ],
                text=piece,
                kind=data["kind"] if len(pieces) == 1 else parsing.kind_of(piece)[0],
                said_on=data["said_on"],
                outlet=data["outlet"].strip() or None,
                line=data.get("line") or 0,
                include=data["include"],
            )
            sections[title].entries.append(paragraph)
            last = paragraph
    return compilation


def _blank_lines(text):
    return re.split(r"\n\s*\n", text.replace("\r\n", "\n"))


class ImportView:
    """Bound to the collection admin (``CollectionAdmin.get_urls``)."""

    template = "admin/commentary/import_compilation.html"

    def __init__(self, model_admin):
        self.model_admin = model_admin

    def __call__(self, request):
        if not request.user.has_perms(PERMISSIONS):
            raise PermissionDenied
        step = request.POST.get("step") if request.method == "POST" else None
        if step == "preview":
            return self.preview_step(request)
        upload = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and upload.is_valid():
            proposed = upload.preview
            return self.render(
                request,
                header=HeaderForm(initial=header_initial(proposed)),
                entries=self.entry_formset(proposed),
                proposed=proposed,
            )
        return self.render(request, upload=upload)

    def entry_formset(self, proposed, data=None):
        if data is None and len(proposed.entries) > EDITABLE_ENTRIES:
            return None
        return EntryFormSet(data, initial=None if data else entries_initial(proposed), prefix="e")

    def preview_step(self, request):
        header = HeaderForm(request.POST)
        entries = EntryFormSet(request.POST, prefix="e")
        if not (header.is_valid() and entries.is_valid()):
            return self.render(request, header=header, entries=entries, proposed=None)
        compilation = compilation_from(header.cleaned_data, entries.forms)
        proposed = preview.propose(compilation)
        if request.POST.get("action") != "import":
            return self.render(
                request,
                header=HeaderForm(initial=header_initial(proposed, header.cleaned_data["status"])),
                entries=self.entry_formset(proposed),
                proposed=proposed,
            )
        return self.write(request, proposed, header.cleaned_data["status"], (header, entries))

    def write(self, request, proposed, status, forms_shown):
        header, entries = forms_shown or (None, None)
        try:
            report = apply.apply(proposed, user=request.user, status=status)
        except apply.NothingToImport as error:
            messages.error(request, str(error))
            return self.render(request, header=header, entries=entries, proposed=proposed)
        except DatabaseError as error:
            reason = (str(error).splitlines() or [type(error).__name__])[0][:200]
            messages.error(
                request,
                _("The import failed and nothing was written: %(reason)s") % {"reason": reason},
            )
            return self.render(request, header=header, entries=entries, proposed=proposed)
        collection = report.collection
        self.model_admin.log_addition(request, collection, report.summary())
        messages.success(request, report.summary())
        return HttpResponseRedirect(
            reverse("admin:commentary_collection_change", args=[collection.pk])
        )

    def render(self, request, upload=None, header=None, entries=None, proposed=None):
        opts = self.model_admin.model._meta
        rows = []
        if entries is not None:
            details = proposed.entries if proposed else []
            for index, form in enumerate(entries.forms):
                rows.append((form, details[index] if index < len(details) else None))
        context = {
            **self.model_admin.admin_site.each_context(request),
            "opts": opts,
            "title": _("Import a compilation"),
            "upload": upload,
            "header": header,
            "entries": entries,
            "rows": rows,
            "proposed": proposed,
            "too_many": proposed is not None and entries is None,
            "particulars": [
                (PARTICULAR_LABELS.get(key, key), value)
                for key, value in (proposed.particulars.items() if proposed else ())
            ],
            "editable_limit": EDITABLE_ENTRIES,
        }
        return TemplateResponse(request, self.template, context)
