from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from altitude.delivery.models import (
    Program,
    ProgramMembership,
    ProgramObjective,
    Project,
    ProjectMembership,
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
