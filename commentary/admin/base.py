"""What every editors' admin page shares: bounded lists, history, and no lost edits.

- History (django-reversion, with django-reversion-compare's view of the difference between
  two versions): every save from the admin is a revision with the editor's name; the
  history page compares any two versions and reverts to one (see ``history.py``).
- Optimistic locking (django-concurrency): every form, inline row, changelist edit and action
  carries the version it was opened with; a save from a form opened before someone else's
  save is refused with a message saying who saved when, and the editor's input stays in the
  form to reapply.
"""

import datetime

from concurrency.admin import ConcurrencyActionMixin, ConcurrencyListEditableMixin
from concurrency.exceptions import RecordModifiedError
from concurrency.forms import ConcurrentForm
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin

from ..editorial import history

history.register()  # before any VersionAdmin registers the models its own way


def last_saved_by(instance):
    """ "Ana Li, 21 November 2026 14:03": who saved ``instance`` last and when, from history."""
    version = (
        Version.objects.get_for_object(instance)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")
        .first()
    )
    if version is None:
        return ""
    user = version.revision.user
    when = date_format(localtime(version.revision.date_created), "DATETIME_FORMAT")
    if user is None:
        return _("an import or command, %(when)s") % {"when": when}
    return f"{user.get_full_name() or user.get_username()}, {when}"


def _same_as_shown(stored, submitted):
    """Is ``submitted`` what a browser sends back for ``stored``, unchanged? Browsers send a
    textarea's line breaks as CRLF, and the admin's date and time inputs show whole seconds."""
    if isinstance(stored, str) and isinstance(submitted, str):
        return stored.replace("\r\n", "\n") == submitted.replace("\r\n", "\n")
    if isinstance(stored, datetime.datetime | datetime.time) and type(submitted) is type(stored):
        return stored.replace(microsecond=0) == submitted.replace(microsecond=0)
    return False


def keep_stored_values(form, cleaned):
    """A field submitted as it was shown keeps its stored value exactly, so that opening a
    record and saving it unchanged changes nothing (no line breaks rewritten, no
    microseconds dropped). Called from the forms' ``clean``."""
    if form.instance.pk is None or cleaned is None:
        return cleaned
    for name in form.fields:
        if name in cleaned and name in form.initial:
            stored = form.initial[name]
            if cleaned[name] != stored and _same_as_shown(stored, cleaned[name]):
                cleaned[name] = stored
    return cleaned


class KeepsStoredValues:
    """Form mixin for forms that are not ``ArchiveForm`` (users): see keep_stored_values."""

    def clean(self):
        return keep_stored_values(self, super().clean())


class TextField(forms.CharField):
    """Multi-line text is stored with LF line breaks, whatever the browser sends."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


class ArchiveForm(ConcurrentForm):
    """A model form that refuses to save over a change made after it was opened."""

    def clean(self):
        version_field = self.instance._concurrencymeta.field.name
        opened_with = self.cleaned_data.get(version_field)
        if self.instance.pk and version_field in self.fields and not opened_with:
            raise ValidationError(
                _("This form lacks the version it was opened with; reload the page."),
                code="modified",
            )
        if self.instance.pk and opened_with:
            model = type(self.instance)
            current = (
                model._base_manager.filter(pk=self.instance.pk)
                .values_list(version_field, flat=True)
                .first()
            )
            if current is not None and current != opened_with:
                raise ValidationError(
                    _(
                        "Not saved: someone else saved “%(record)s” after you opened it "
                        "(%(who)s). Your changes are still in this form. Open the current "
                        "version in another tab, compare it with yours in the history, and "
                        "apply your changes there."
                    )
                    % {"record": self.instance, "who": last_saved_by(self.instance)},
                    code="modified",
                )
        # ConcurrentForm.clean repeats the check (with its own message); ours came first.
        return keep_stored_values(self, super(ConcurrentForm, self).clean())


class ArchiveInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        conflicts = [
            form for form in self.forms if any(e.code == "modified" for e in _errors(form))
        ]
        if conflicts:
            raise ValidationError(
                _("Rows changed by someone else since you opened the form are marked below."),
                code="modified",
            )


def _errors(form):
    # The admin gives rows shown read-only a plain dict of no errors.
    if not form.is_bound or not hasattr(form.errors, "as_data"):
        return []
    return form.errors.as_data().get(NON_FIELD_ERRORS, [])


class ArchiveAdmin(ConcurrencyActionMixin, ConcurrencyListEditableMixin, CompareVersionAdmin):
    """Shared defaults: bounded pages, foreign keys by autocomplete, history, locking."""

    form = ArchiveForm
    list_per_page = 50
    list_max_show_all = 500
    show_full_result_count = False
    history_latest_first = True
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        models.TextField: {"form_class": TextField},
    }

    # History ---------------------------------------------------------------------------

    def _object_or_404(self, request, object_id):
        try:
            obj = self.get_object(request, unquote(object_id))
        except (ValueError, ValidationError):
            obj = None
        if obj is None:
            raise Http404(_("No such record."))
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def history_view(self, request, object_id, extra_context=None):
        self._object_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def compare_view(self, request, object_id, extra_context=None):
        self._object_or_404(request, object_id)
        return super().compare_view(request, object_id, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        self._object_or_404(request, object_id)
        if not str(version_id).isdigit():
            raise Http404(_("No such version."))
        with history.restoring():
            return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not str(version_id).isdigit():
            raise Http404(_("No such version."))
        with history.restoring():
            return super().recover_view(request, version_id, extra_context)

    # Locking ---------------------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RecordModifiedError:
            # Someone saved between this form's checks and its save: nothing was written.
            self.message_user(
                request,
                _("Not saved: someone else saved this record at the same moment. Try again."),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

    def response_action(self, request, queryset):
        """Actions check each selected row's version; malformed selections are refused
        with a message instead of an error page."""
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        for value in selected:
            pk, _sep, version = value.partition(",")
            if not (pk.isdigit() or pk.isalpha()) or not version.isdigit():
                self.message_user(
                    request,
                    _("The selection was not understood; reload the page and try again."),
                    messages.ERROR,
                )
                return HttpResponseRedirect(request.get_full_path())
        try:
            return super().response_action(request, queryset)
        except RecordModifiedError:
            self.message_user(
                request,
                _("Nothing was changed: a selected record was saved by someone else meanwhile."),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())


class ArchiveInline(admin.TabularInline):
    """Inline rows carry their version too: a row changed by someone else is refused."""

    formfield_overrides = ArchiveAdmin.formfield_overrides
    form = ArchiveForm
    formset = ArchiveInlineFormSet
    extra = 1
