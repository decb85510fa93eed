from django.contrib import admin

from qinqing.assessment.models import (
    AssessedUnit,
    Dimension,
    Indicator,
    ManualEntry,
    Scheme,
    ScoreSheet,
)


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = [
        "order",
        "dimension",
        "code",
        "name",
        "unit_types",
        "kind",
        "figure",
        "lead_department",
        "weight",
        "target",
        "points_per_percent",
        "min_points",
        "max_points",
        "is_active",
    ]


class DimensionInline(admin.TabularInline):
    model = Dimension
    extra = 0
    fields = ["order", "code", "name"]


class AssessedUnitInline(admin.TabularInline):
    """Which units the scheme scores, and as what (重点单位 / 一般单位 / 镇街)."""

    model = AssessedUnit
    extra = 0
    fields = ["organisation", "unit_type", "is_active"]
    autocomplete_fields = ["organisation"]


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default"]
    inlines = [DimensionInline, IndicatorInline, AssessedUnitInline]


@admin.register(ScoreSheet)
class ScoreSheetAdmin(admin.ModelAdmin):
    """Read-only: sheets are frozen and corrected on /assessment/sheets/."""

    list_display = ["scheme", "period", "version", "frozen_at", "frozen_by", "reason"]
    list_filter = ["scheme"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ManualEntry)
class ManualEntryAdmin(admin.ModelAdmin):
    """Read-only: entries are made on /assessment/manual/ so each leaves an event row."""

    list_display = ["period", "indicator", "department", "points", "entered_by"]
    list_filter = ["indicator"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
