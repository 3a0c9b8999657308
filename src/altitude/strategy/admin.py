from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from altitude.strategy.models import Objective, Portfolio, PortfolioMembership


class PortfolioMembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PortfolioMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Portfolio)
class PortfolioAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ("name", "owner", "version", "updated_at")
    search_fields = ("name", "description")
    inlines = [PortfolioMembershipInline]
    readonly_fields = ("version",)


@admin.register(Objective)
class ObjectiveAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ("name", "portfolio", "parent", "weight")
    list_filter = ("portfolio",)
    search_fields = ("name",)
