from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from altitude.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):  # type: ignore[type-arg,misc]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Altitude", {"fields": ("is_pmo", "job_title")}),
    )
    list_display = ("username", "first_name", "last_name", "email", "is_pmo", "is_staff")
    list_filter = ("is_pmo", "is_staff", "is_superuser", "is_active")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "user", "created_at", "last_used_at", "expires_at", "revoked")
    list_filter = ("revoked",)
    readonly_fields = ("key_hash", "created_at", "last_used_at")
    search_fields = ("name", "user__username")
