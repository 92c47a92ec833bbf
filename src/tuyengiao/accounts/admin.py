from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Grant, User


class GrantInline(admin.TabularInline):
    model = Grant
    fk_name = "user"
    extra = 0
    raw_id_fields = ["unit", "carried_from"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "home_unit", "is_active", "is_superuser"]
    fieldsets = [*BaseUserAdmin.fieldsets, ("Tuyên giáo số", {"fields": ["full_name", "home_unit", "person"]})]
    raw_id_fields = ["home_unit", "person"]
    inlines = [GrantInline]


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role", "valid_from", "valid_to"]
    list_filter = ["role"]
    raw_id_fields = ["user", "unit", "carried_from"]
