"""The review workflow in the admin: status choices per user, transition actions, the
"awaiting review" filter, and published records read-only to editors.

Every path that could publish is closed for editors: the status field offers them only
draft and in review; the publish and withdraw actions need the publish permission (and
each selected row is checked again); a published or withdrawn record, its inline rows and
its rows in the stand-alone admins are read-only to them; and reverting never restores a
status (``history.py``).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..editorial import workflow
from ..models import Status


class AwaitingReviewFilter(admin.SimpleListFilter):
    title = gettext_lazy("workflow")
    parameter_name = "workflow"

    def lookups(self, request, model_admin):
        return [
            ("review", gettext_lazy("awaiting review")),
            ("unpublished", gettext_lazy("not yet published")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "review":
            return queryset.awaiting_review()
        if self.value() == "unpublished":
            return queryset.filter(status__in=[Status.DRAFT, Status.REVIEW])
        return queryset


def _transition_action(to):
    def action(modeladmin, request, queryset):
        moved, refused = 0, []
        for obj in queryset:
            try:
                workflow.transition(obj, to, request.user)
                moved += 1
            except workflow.TransitionError as error:
                refused.append(str(error))
        if moved:
            modeladmin.message_user(
                request,
                ngettext(
                    "%(count)d record is now %(status)s.",
                    "%(count)d records are now %(status)s.",
                    moved,
                )
                % {"count": moved, "status": Status(to).label},
                messages.SUCCESS,
            )
        for message in refused[:10]:
            modeladmin.message_user(request, message, messages.ERROR)

    action.__name__ = f"make_{to}"
    action.short_description = workflow.ACTION_LABELS[to]
    if workflow.TRANSITIONS.get((Status.REVIEW, to)) or to == Status.WITHDRAWN:
        action.allowed_permissions = ("publish",)
    return action


class ReviewedAdmin:
    """Mixin for the statement and collection admins."""

    actions = [_transition_action(to) for to in workflow.ACTION_LABELS]
    reviewed_readonly_for_editors = True

    @admin.display(description=gettext_lazy("workflow"))
    def workflow_log(self, obj):
        """Who moved this record through the workflow, and when (newest first)."""
        if obj is None or obj.pk is None:
            return "—"
        changes = obj.status_changes.select_related("user").order_by("-at", "-pk")[:50]
        return format_html(
            "<ul class='workflow-log'>{}</ul>",
            format_html_join(
                "",
                "<li>{}: {} → {} ({})</li>",
                (
                    (
                        date_format(localtime(change.at), "DATETIME_FORMAT"),
                        change.get_from_status_display() or _("new"),
                        change.get_to_status_display(),
                        change.user or _("import or command"),
                    )
                    for change in changes
                ),
            ),
        )

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user, self.model)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or workflow.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or workflow.can_edit(request.user, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        field = form.base_fields.get("status")
        if field is not None:
            allowed = workflow.allowed_statuses(request.user, obj, self.model)
            field.choices = [(value, label) for value, label in Status.choices if value in allowed]
            field.initial = allowed[0]
            field.help_text = _(
                "Editors submit statements for review; a publisher publishes or withdraws them."
            )
        return form

    def get_deleted_objects(self, objs, request):
        """A published original whose translations show its speakers is not deleted."""
        to_delete, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for obj in objs:
            protected = [*protected, *workflow.translations_left_without_credits(obj)]
        return to_delete, counts, perms_needed, protected

    def save_model(self, request, obj, form, change):
        # The form's choices already refuse any other status; this guards crafted requests.
        if not change and obj.status not in workflow.allowed_statuses(
            request.user, None, self.model
        ):
            raise PermissionDenied
        if change and "status" in form.changed_data:
            try:
                workflow.check_transition(request.user, obj, obj.status)
            except workflow.TransitionError as error:
                raise PermissionDenied(str(error)) from error
        super().save_model(request, obj, form, change)


def _parent(obj, path):
    for name in path.split(".") if path else ():
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


class ChildOfReviewedAdmin:
    """Mixin for admins of rows inside a statement or collection (speakers, citations,
    sections, entries): editors may not add, change or delete rows of a published one.

    ``parent_field`` is the form field holding the parent row; ``parent_path`` leads from
    that row to the statement or collection ("" when it is one)."""

    parent_field = None
    parent_path = ""

    def reviewed_parent(self, obj):
        return _parent(getattr(obj, self.parent_field, None), self.parent_path)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or workflow.can_edit(request.user, self.reviewed_parent(obj))

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or workflow.can_edit(request.user, self.reviewed_parent(obj))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        admin_ = self

        class ParentChecked(form):
            def clean(self):
                cleaned = super().clean()
                parent = _parent(cleaned.get(admin_.parent_field), admin_.parent_path)
                if parent is not None and not workflow.can_edit(request.user, parent):
                    raise ValidationError(
                        _("“%(record)s” is published: only a publisher can change it.")
                        % {"record": parent}
                    )
                # Moving the row elsewhere takes it from its statement.
                moved = self.instance.pk and admin_.parent_field in self.changed_data
                if moved and (problems := workflow.left_incomplete_by_removing([self.instance])):
                    raise ValidationError(problems)
                return cleaned

        return ParentChecked

    def get_deleted_objects(self, objs, request):
        """A published statement's last speaker or source cannot be deleted."""
        to_delete, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        return (
            to_delete,
            counts,
            perms_needed,
            [*protected, *workflow.left_incomplete_by_removing(list(objs))],
        )


class ReviewedInline:
    """Mixin for inlines whose parent form is a statement or collection (or a section):
    editors see a published one's rows read-only."""

    parent_path = ""  # from the parent form's object to the statement or collection

    def _editable(self, request, obj):
        return obj is None or workflow.can_edit(request.user, _parent(obj, self.parent_path))

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(request, obj)
