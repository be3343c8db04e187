"""The "merge duplicates" action of the expert and outlet admins.

Selecting two or more records and choosing the action shows a confirmation page where the
editor picks the record to keep; on confirmation the others are merged into it
(``merge.py``) in one history revision.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..editorial.merge import MergeError


class SurvivorForm(forms.Form):
    survivor = forms.ModelChoiceField(
        queryset=None,
        widget=forms.RadioSelect,
        label=gettext_lazy("Keep"),
        empty_label=None,
        help_text=gettext_lazy("The others are merged into this one and deleted."),
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].queryset = queryset


@admin.action(description=gettext_lazy("Merge selected duplicates"), permissions=["merge"])
def merge_selected(modeladmin, request, queryset):
    chosen = list(queryset.order_by("pk")[:20])
    if len(chosen) < 2:
        modeladmin.message_user(
            request, _("Select at least two records to merge."), messages.WARNING
        )
        return None
    form = SurvivorForm(
        request.POST if "confirm_merge" in request.POST else None,
        queryset=queryset.model.objects.filter(pk__in=[o.pk for o in chosen]),
        initial={"survivor": chosen[0]},
    )
    if form.is_valid():
        survivor = form.cleaned_data["survivor"]
        others = [o for o in chosen if o.pk != survivor.pk]
        try:
            modeladmin.merge(survivor, others)
        except MergeError as error:
            modeladmin.message_user(request, str(error), messages.ERROR)
            return None
        modeladmin.log_change(
            request, survivor, _("Merged %(names)s.") % {"names": ", ".join(map(str, others))}
        )
        modeladmin.message_user(
            request,
            _("Merged %(count)d records into “%(name)s”; their old addresses redirect.")
            % {"count": len(others), "name": survivor},
            messages.SUCCESS,
        )
        return None
    opts = modeladmin.model._meta
    return TemplateResponse(
        request,
        "admin/commentary/merge_confirmation.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": _("Merge duplicates"),
            "opts": opts,
            "form": form,
            "chosen": chosen,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "media": modeladmin.media,
        },
    )


class MergeAdmin:
    """Mixin: the merge action, for editors allowed to change and delete these records."""

    merge = None  # merge.merge_experts or merge.merge_outlets
    actions = [merge_selected]

    def has_merge_permission(self, request):
        return self.has_change_permission(request) and self.has_delete_permission(request)
