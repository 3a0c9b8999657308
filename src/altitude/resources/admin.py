from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from altitude.resources.models import Assignment, Resource, TimeEntry


@admin.register(Resource)
class ResourceAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ("name", "kind", "portfolio", "user", "max_units", "cost_rate", "version")
    list_filter = ("kind", "portfolio")
    search_fields = ("name",)
    readonly_fields = ("version",)


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ("task", "resource", "units", "work_minutes", "version")
    readonly_fields = ("version",)


@admin.register(TimeEntry)
class TimeEntryAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ("date", "user", "task", "minutes", "resource", "version")
    list_filter = ("date",)
    readonly_fields = ("version",)
