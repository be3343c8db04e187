"""Read-only records: the workflow log, former slugs and the archive's stored totals."""

from django.contrib import admin

from ..models import FormerSlug, StatusChange, Total


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "content_type", "object_id", "from_status", "to_status", "user"]
    list_select_related = ["content_type", "user"]
    list_filter = ["to_status", "content_type"]
    date_hierarchy = "at"
    list_per_page = 100
    show_full_result_count = False


@admin.register(FormerSlug)
class FormerSlugAdmin(admin.ModelAdmin):
    """Old addresses that redirect; an administrator may delete one to free the slug."""

    list_display = ["slug", "content_type", "object_id", "retired_at"]
    list_select_related = ["content_type"]
    list_filter = ["content_type"]
    search_fields = ["slug"]
    readonly_fields = ["content_type", "object_id", "slug", "retired_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Total)
class TotalAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The home page's totals, kept by counting/ (``manage.py recount`` rebuilds them)."""

    list_display = ["name", "value"]
