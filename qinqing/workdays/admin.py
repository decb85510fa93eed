from django.contrib import admin
from django.http import HttpRequest

from qinqing.workdays.models import CalendarYear, DayOverride, FallbackUse
from qinqing.workdays.services import calendar_changed


class _RecordsEditor:
    """Every change here is a change of the calendar: each process's copy is dropped."""

    def save_model(self, request: HttpRequest, obj, form, change) -> None:  # type: ignore[no-untyped-def]
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        calendar_changed()

    def delete_model(self, request: HttpRequest, obj) -> None:  # type: ignore[no-untyped-def]
        super().delete_model(request, obj)  # type: ignore[misc]
        calendar_changed()

    def delete_queryset(self, request: HttpRequest, queryset) -> None:  # type: ignore[no-untyped-def]
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        calendar_changed()


@admin.register(DayOverride)
class DayOverrideAdmin(_RecordsEditor, admin.ModelAdmin):
    list_display = ["date", "is_workday", "note", "updated_by", "updated_at"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    exclude = ["updated_by"]


@admin.register(CalendarYear)
class CalendarYearAdmin(_RecordsEditor, admin.ModelAdmin):
    list_display = ["year", "is_complete", "source", "updated_by", "updated_at"]
    exclude = ["updated_by"]


@admin.register(FallbackUse)
class FallbackUseAdmin(admin.ModelAdmin):
    list_display = ["year", "count", "first_used_at", "last_used_at"]
    readonly_fields = ["year", "count", "first_used_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
