from django.contrib import admin

from qinqing.catalog.models import (
    Bundle,
    BundleItem,
    Certificate,
    Material,
    Matter,
    MatterEvent,
    ServiceItem,
    WatchFlag,
)
from qinqing.catalog.services import index_item


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "department",
        "item_type",
        "legal_days",
        "promised_days",
        "is_instant",
        "visits",
    )
    list_filter = ("item_type", "is_instant", "visits", "online_depth", "scope")
    search_fields = ("code", "name", "keywords")
    raw_id_fields = ("parent", "department", "window")
    inlines = [MaterialInline]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        index_item(obj)
        super().save_model(request, obj, form, change)


class BundleItemInline(admin.TabularInline):
    model = BundleItem
    extra = 0
    raw_id_fields = ("item",)


@admin.register(Bundle)
class BundleAdmin(admin.ModelAdmin):
    list_display = ("name", "audience", "is_active")
    inlines = [BundleItemInline]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ("enterprise", "name", "number", "valid_to", "source")
    list_filter = ("source",)
    search_fields = ("number", "enterprise__name")
    raw_id_fields = ("enterprise", "recorded_by")


class MatterEventInline(admin.TabularInline):
    model = MatterEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "kind_label", "actor", "from_label", "to_label", "note")
    fields = readonly_fields

    @admin.display(description="事项")
    def kind_label(self, obj: MatterEvent) -> str:
        from qinqing.core.event_labels import event_label

        return event_label(obj.kind)

    @admin.display(description="原状态")
    def from_label(self, obj: MatterEvent) -> str:
        return (
            obj.matter.__class__(status=obj.from_state).get_status_display()
            if obj.from_state
            else ""
        )

    @admin.display(description="新状态")
    def to_label(self, obj: MatterEvent) -> str:
        return (
            obj.matter.__class__(status=obj.to_state).get_status_display() if obj.to_state else ""
        )

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Matter)
class MatterAdmin(admin.ModelAdmin):
    """Read-only: matters change only through their services (and leave a timeline)."""

    list_display = ("number", "item", "department", "status", "submitted_at", "due_at")
    list_filter = ("status", "channel")
    search_fields = ("number", "applicant_name")
    inlines = [MatterEventInline]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(WatchFlag)
class WatchFlagAdmin(admin.ModelAdmin):
    list_display = ("matter", "rule", "department", "raised_at", "explained_at")
    list_filter = ("rule",)

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
