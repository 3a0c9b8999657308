"""Admin views of the registers (history included); the pages and the API are the main way in."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from altitude.governance.models import Issue, ProgramForecast, Risk


@admin.register(Risk)
class RiskAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ["code", "title", "project", "program", "kind", "score", "status", "escalation_level"]
    list_filter = ["kind", "status", "escalation_level"]
    search_fields = ["code", "title"]
    raw_id_fields = ["project", "program", "owner", "tasks"]


@admin.register(Issue)
class IssueAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ["code", "title", "project", "program", "severity", "status", "escalation_level"]
    list_filter = ["severity", "status", "escalation_level"]
    search_fields = ["code", "title"]
    raw_id_fields = ["project", "program", "owner", "risk"]


@admin.register(ProgramForecast)
class ProgramForecastAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["program", "computed_at", "runs", "duration_ms"]
    readonly_fields = ["program", "schedule_run", "fingerprint", "runs", "seed", "computed_at", "computed_by",
                       "duration_ms", "data"]
