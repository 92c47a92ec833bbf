"""Django admin for superusers only (day-to-day work happens in the app's own pages, which audit)."""
from django.contrib import admin

from .models import (
    Cluster,
    Department,
    LineageEvent,
    LineageLink,
    Person,
    Position,
    Term,
    Unit,
    UnitName,
    UnitType,
)


class UnitNameInline(admin.TabularInline):
    model = UnitName
    extra = 0


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "type", "valid_from", "valid_to"]
    list_filter = ["type"]
    search_fields = ["search", "code"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path", "depth"]
    inlines = [UnitNameInline]


class LineageLinkInline(admin.TabularInline):
    model = LineageLink
    extra = 0
    raw_id_fields = ["unit"]


@admin.register(LineageEvent)
class LineageEventAdmin(admin.ModelAdmin):
    list_display = ["kind", "date", "decision"]
    list_filter = ["kind"]
    inlines = [LineageLinkInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "home_unit"]
    search_fields = ["search"]
    raw_id_fields = ["home_unit"]


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "kind", "head", "deputy"]
    list_filter = ["year", "kind"]
    raw_id_fields = ["organiser", "head", "deputy"]
    filter_horizontal = ["members"]


admin.site.register(UnitType)
for model in (Term, Department, Position):
    admin.site.register(model, raw_id_fields=["unit"] + (["person"] if model is Position else []))
