from django.contrib import admin

from qinqing.assessment.models import Indicator, ManualEntry, Scheme


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = [
        "order",
        "code",
        "name",
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


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default"]
    inlines = [IndicatorInline]


@admin.register(ManualEntry)
class ManualEntryAdmin(admin.ModelAdmin):
    """Read-only: entries are made on /assessment/manual/ so each leaves an event row."""

    list_display = ["period", "indicator", "department", "points", "entered_by"]
    list_filter = ["indicator"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
