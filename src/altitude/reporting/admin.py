"""Admin views of status reports and closures (history included); the pages and the API are the main way in."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from altitude.reporting.models import ProjectClosure, StatusReport


@admin.register(StatusReport)
class StatusReportAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ["project", "period_start", "period_end", "status", "overall_rating", "submitted_at"]
    list_filter = ["status", "overall_rating"]
    raw_id_fields = ["project"]
    readonly_fields = ["status", "author", "submitted_at", "submitted_by", "computed", "metrics"]


@admin.register(ProjectClosure)
class ProjectClosureAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ["project", "objectives_met", "closed_at", "closed_by"]
    raw_id_fields = ["project"]
    readonly_fields = ["checklist", "closed_at", "closed_by"]
