"""Records that published statements show (roles, organisations, experts' names, other names,
outlets, sources) change only through review.

A published statement is read-only to editors (``workflow.py``), but its page also shows the
speaker's role and organisation, the expert's names and the sources' titles and outlets, which
live in records of their own. For an editor, such a record is read-only in the fields a
statement shows, and cannot be deleted, as long as a published statement uses it; a publisher
may change it, and the change is recorded in the history of every published statement that
shows it (the same revision). Deleting a role still used by any statement is refused by the
database too (``on_delete=PROTECT``); the delete page lists the statements.
"""

import reversion
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..editorial import workflow
from ..models import ExpertName, Quote


def _publisher(request):
    return workflow.can_publish(request.user, Quote)


def _used(obj):
    return obj is not None and workflow.statements_using(obj).exists()


def record_in_statements(obj):
    """Add every published statement showing ``obj`` to the current revision."""
    if reversion.is_active():
        for quote in workflow.statements_using(obj).iterator():
            reversion.add_to_revision(quote)


def describe_statements(obj, limit=20):
    """Delete pages: the statements using ``obj``, which keep it from being deleted (any
    statement for records the database protects; published ones for other names)."""
    published_only = isinstance(obj, ExpertName)
    quotes = workflow.statements_using(obj, published_only=published_only).order_by("pk")
    return [
        format_html("{} “{}” ({})", _("Statement"), quote, quote.get_status_display())
        for quote in quotes[:limit]
    ]


class ShownOnStatementsAdmin:
    """Mixin for the admins of records published statements show. ``shown_fields``: the
    fields a statement's page shows (all of them when empty)."""

    shown_fields = ()

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not _publisher(request) and _used(obj):
            shown = self.shown_fields or [
                f.name
                for f in self.model._meta.fields
                if f.editable and not f.primary_key and f.name != "version"
            ]
            readonly += [f for f in shown if f not in readonly]
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        readonly = set(self.get_readonly_fields(request, obj))
        fields = super().get_prepopulated_fields(request, obj)
        return {k: v for k, v in fields.items() if k not in readonly and not readonly & set(v)}

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return _publisher(request) or not _used(obj)

    def get_deleted_objects(self, objs, request):
        to_delete, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = [*protected, *(line for obj in objs for line in describe_statements(obj))]
        return to_delete, counts, perms_needed, protected

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.has_changed():
            record_in_statements(obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and any(formset.has_changed() for formset in formsets):
            record_in_statements(form.instance)

    def delete_model(self, request, obj):
        record_in_statements(obj)
        super().delete_model(request, obj)


class ShownOnStatementsInline:
    """Mixin for inline rows of an expert that published statements show (roles, other
    names): for an editor, existing rows of an expert whose statements are published are
    read-only and kept; new rows may be added."""

    def _locked(self, request, obj):
        return not _publisher(request) and _used(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._locked(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._locked(request, obj)
