from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from altitude.delivery.models import (
    Baseline,
    Calendar,
    CalendarException,
    Dependency,
    Program,
    ProgramMembership,
    ProgramObjective,
    Project,
    ProjectMembership,
    ScheduleRun,
    Task,
)


class ProgramMembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ProgramMembership
    extra = 0
    autocomplete_fields = ["user"]


class ProgramObjectiveInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ProgramObjective
    extra = 0


class ProjectMembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ProjectMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Program)
class ProgramAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ("name", "portfolio", "manager", "budget", "version")
    list_filter = ("portfolio",)
    search_fields = ("name", "goal")
    inlines = [ProgramObjectiveInline, ProgramMembershipInline]
    readonly_fields = ("version",)


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ("code", "name", "program", "stage", "priority", "manager", "budget", "version")
    list_filter = ("stage", "portfolio", "program")
    search_fields = ("code", "name", "description")
    inlines = [ProjectMembershipInline]
    readonly_fields = ("version",)


class CalendarExceptionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CalendarException
    extra = 0


@admin.register(Calendar)
class CalendarAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ("name", "portfolio", "project", "base", "version")
    list_filter = ("portfolio",)
    inlines = [CalendarExceptionInline]
    readonly_fields = ("version",)


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    """Read the plan here; edit it through the API or pages, which renumber and reschedule."""

    list_display = ("wbs", "name", "project", "duration_minutes", "milestone", "start", "finish", "critical", "version")
    list_filter = ("project", "milestone", "critical", "status")
    search_fields = ("name", "deliverable")
    readonly_fields = ("version", "wbs", "outline", "start", "finish", "early_start", "early_finish", "late_start",
                       "late_finish", "total_float_minutes", "free_float_minutes", "critical", "scheduled_at")
    raw_id_fields = ("parent", "calendar")


@admin.register(Dependency)
class DependencyAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ("predecessor", "type", "lag_minutes", "successor", "version")
    raw_id_fields = ("predecessor", "successor")
    readonly_fields = ("version",)


@admin.register(Baseline)
class BaselineAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ("name", "project", "created_by", "created_at")
    readonly_fields = ("version",)


@admin.register(ScheduleRun)
class ScheduleRunAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("started_at", "project", "program", "user", "task_count", "duration_ms", "query_count", "status")
    list_filter = ("status",)
