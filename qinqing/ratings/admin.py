from django.contrib import admin

from qinqing.ratings.models import (
    Contest,
    Observer,
    Rating,
    RatingPoint,
    Rectification,
    ServiceEvent,
)


@admin.register(ServiceEvent)
class ServiceEventAdmin(admin.ModelAdmin):
    list_display = ["reference", "kind", "matter", "department", "window", "occurred_at"]
    list_filter = ["kind"]
    search_fields = ["reference", "matter"]
    readonly_fields = ["served_phone_masked", "token"]


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """Read-only: ratings change only through the services (with their timeline)."""

    list_display = ["event", "level", "channel", "department", "rated_at", "is_bad", "excluded"]
    list_filter = ["level", "channel", "is_bad", "excluded"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(Rectification)
class RectificationAdmin(RatingAdmin):
    list_display = ["rating", "status", "due_at"]
    list_filter = ["status"]


@admin.register(Contest)
class ContestAdmin(RatingAdmin):
    list_display = ["rating", "status", "filed_by", "decided_by"]
    list_filter = ["status"]


@admin.register(RatingPoint)
class RatingPointAdmin(admin.ModelAdmin):
    list_display = ["window", "is_active"]
    readonly_fields = ["token"]


@admin.register(Observer)
class ObserverAdmin(admin.ModelAdmin):
    list_display = ["user", "title", "division", "is_active"]
    list_filter = ["is_active"]
