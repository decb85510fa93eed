from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from qinqing.core.admin import EventAdmin
from qinqing.enterprises.models import (
    CorrectionRequest,
    EarlyWarning,
    Enterprise,
    EnterpriseEvent,
    ImportJob,
    Pool,
    PoolMembership,
    ProfileClaim,
    Qualification,
    Tag,
    WarningRule,
)


class QualificationInline(admin.TabularInline):
    """Read-only here: qualifications are recorded on the enterprise page (with an event)."""

    model = Qualification
    extra = 0
    can_delete = False
    readonly_fields = [
        "kind",
        "level_label",
        "certificate_no",
        "issuer",
        "valid_from",
        "valid_to",
        "source",
    ]
    fields = readonly_fields

    @admin.display(description=_("level"))
    def level_label(self, obj: Qualification) -> str:
        names = {"national": "国家级", "provincial": "省级", "province": "省级", "city": "市级"}
        return names.get(obj.level, obj.level)

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class ClaimInline(admin.TabularInline):
    model = ProfileClaim
    extra = 0
    fields = ["field_label", "value", "source", "as_of", "recorded_by"]
    readonly_fields = ["field_label", "value", "source", "as_of", "recorded_by"]
    can_delete = False

    @admin.display(description=_("field"))
    def field_label(self, obj: ProfileClaim) -> str:
        from qinqing.enterprises.fields import PROFILE_BY_NAME

        spec = PROFILE_BY_NAME.get(obj.field)
        return spec.label if spec else obj.field


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "uscc", "division", "industry_code", "size_class", "registered_on"]
    search_fields = ["name", "uscc"]
    list_filter = ["size_class"]
    autocomplete_fields = ["division"]
    inlines = [QualificationInline, ClaimInline]
    show_full_result_count = False  # no COUNT(*) over a million rows


@admin.register(WarningRule)
class WarningRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "metric", "kind", "drop_percent", "missing_periods", "is_active"]
    list_filter = ["metric", "kind", "is_active"]


@admin.register(Pool)
class PoolAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(PoolMembership)
class PoolMembershipAdmin(admin.ModelAdmin):
    list_display = ["pool", "enterprise", "entered_on", "exited_on"]
    list_filter = ["pool"]
    raw_id_fields = ["enterprise"]
    readonly_fields = ["entered_by"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(EarlyWarning)
class EarlyWarningAdmin(admin.ModelAdmin):
    list_display = ["period", "enterprise", "rule", "change_percent", "status"]
    list_filter = ["status", "rule"]
    raw_id_fields = ["enterprise"]
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # handled through services (events), not edited here


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "field", "year", "proposed_value", "status", "requested_at"]
    list_filter = ["status"]
    raw_id_fields = ["enterprise"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["filename", "kind", "status", "created_by", "created_at", "error_count"]
    list_filter = ["kind", "status"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(EnterpriseEvent)
class EnterpriseEventAdmin(EventAdmin):
    list_display = ["at", "enterprise", "kind_label", "actor"]
    raw_id_fields = ["enterprise"]
