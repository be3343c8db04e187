"""Link health in the sources' admin: a filter, the check history and copies on the form,
and the actions "check now", "archive now" and "use the new address"."""

from django.contrib import admin, messages
from django.db.models import Q
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..links import web_url
from ..models import ArchivedCopy, LinkCheck, Source
from ..preservation import checking, copies

HISTORY_SHOWN = 20
# "Check now" and "archive now" run in the editor's request: a handful, not thousands.
ACTION_LIMIT = 20


class LinkHealthFilter(admin.SimpleListFilter):
    title = _("link health")
    parameter_name = "link_health"

    def lookups(self, request, model_admin):
        return [
            ("broken", _("broken")),
            ("failing", _("failing, not yet counted broken")),
            ("redirected", _("moved: new address offered")),
            ("never", _("never checked")),
            ("no_copy", _("no copy of our own")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        with_url = queryset.exclude(url="")
        if value == "broken":
            return queryset.filter(link_status=Source.LinkStatus.BROKEN)
        if value == "failing":
            return queryset.filter(link_failures__gt=0).exclude(
                link_status=Source.LinkStatus.BROKEN
            )
        if value == "redirected":
            return queryset.filter(link_status=Source.LinkStatus.REDIRECTED)
        if value == "never":
            return with_url.filter(link_checked_at__isnull=True)
        if value == "no_copy":
            return with_url.filter(copied_at__isnull=True)
        return queryset


class LinkHealthAdmin:
    """Mixin for ``SourceAdmin``."""

    link_fields = [
        "copies_allowed",
        "link_status",
        "link_checked_at",
        "new_address",
        "check_history",
        "own_copies",
    ]
    link_readonly = ["link_status", "link_checked_at", "new_address", "check_history", "own_copies"]
    actions = ["check_now", "archive_now", "use_new_address"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + [f for f in self.link_readonly if f not in readonly]

    @admin.display(description=_("new address"))
    def new_address(self, source):
        if not source.suggested_url:
            return "—"
        return format_html(
            '<a href="{0}" rel="noopener noreferrer">{0}</a> ({1})',
            web_url(source.suggested_url),
            _("the old address redirects here permanently; the action “use the new address” "
              "makes it the source's URL"),
        )  # fmt: skip

    @admin.display(description=_("check history"))
    def check_history(self, source):
        if source.pk is None:
            return "—"
        checks = LinkCheck.objects.filter(source=source)[:HISTORY_SHOWN]
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    f"{check.checked_at:%Y-%m-%d %H:%M}",
                    check.get_outcome_display(),
                    check.status_code or "",
                    check.final_url if check.final_url != check.url else "",
                    check.detail,
                )
                for check in checks
            ),
        )
        if not rows:
            return _("Not checked yet.")
        return format_html(
            '<table class="check-history"><thead><tr><th>{}</th><th>{}</th><th>{}</th>'
            "<th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("when"), _("outcome"), _("status"), _("ended at"), _("detail"), rows,
        )  # fmt: skip

    @admin.display(description=_("our copies"))
    def own_copies(self, source):
        if source.pk is None:
            return "—"
        kept = list(source.copies.all()[:HISTORY_SHOWN])
        if not kept:
            return _("None yet.")
        return format_html_join(
            format_html("<br>"),
            '<a href="{}">{}</a> {} · {} · SHA-256 {}',
            (
                (
                    copy.get_absolute_url(),
                    f"{copy.fetched_at:%Y-%m-%d %H:%M}",
                    copy.content_type,
                    copy.size,
                    copy.sha256[:16],
                )
                for copy in kept
            ),
        )

    def _limited(self, request, queryset):
        if queryset.count() > ACTION_LIMIT:
            self.message_user(
                request,
                _("Choose at most %(limit)d sources at a time; run manage.py check_links or "
                  "archive_sources for more.") % {"limit": ACTION_LIMIT},
                messages.WARNING,
            )  # fmt: skip
            return None
        return queryset.exclude(url="").order_by("pk")

    @admin.action(description=_("Check the links of the chosen sources now"),
                  permissions=["change"])  # fmt: skip
    def check_now(self, request, queryset):
        chosen = self._limited(request, queryset)
        if chosen is None:
            return
        counts = checking.check_sources(chosen, delay=0.5)
        self.message_user(
            request,
            _("Checked %(count)d: %(outcomes)s.")
            % {
                "count": sum(counts.values()),
                "outcomes": ", ".join(
                    f"{LinkCheck.Outcome(k).label} {v}" for k, v in sorted(counts.items())
                )
                or "—",
            },
        )

    @admin.action(description=_("Keep a copy of the chosen sources now"),
                  permissions=["change"])  # fmt: skip
    def archive_now(self, request, queryset):
        chosen = self._limited(request, queryset)
        if chosen is None:
            return
        counts = copies.archive_sources(chosen, delay=0.5)
        self.message_user(
            request,
            _("Copies: %(outcomes)s.")
            % {"outcomes": ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "—"},
        )

    @admin.action(description=_("Use the new address of sources that moved"),
                  permissions=["change"])  # fmt: skip
    def use_new_address(self, request, queryset):
        moved = 0
        for source in queryset.exclude(Q(suggested_url="")).order_by("pk"):
            source.url, source.suggested_url = source.suggested_url, ""
            source.link_status = Source.LinkStatus.OK
            source.save()  # a revision and a version, as any editor's change
            moved += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d source now uses its new address.",
                "%(count)d sources now use their new addresses.",
                moved,
            )
            % {"count": moved},
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the link checker and the copier write: seen, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LinkCheck)
class LinkCheckAdmin(ReadOnlyAdmin):
    list_display = ["checked_at", "source", "outcome", "status_code", "final_url", "duration_ms"]
    list_filter = ["outcome"]
    list_select_related = ["source", "source__outlet"]
    search_fields = ["url", "final_url"]
    date_hierarchy = "checked_at"
    show_full_result_count = False


@admin.register(ArchivedCopy)
class ArchivedCopyAdmin(ReadOnlyAdmin):
    list_display = ["fetched_at", "source", "content_type", "size", "sha256"]
    list_filter = ["content_type"]
    list_select_related = ["source", "source__outlet"]
    search_fields = ["url", "final_url", "sha256"]
    date_hierarchy = "fetched_at"
    show_full_result_count = False
