"""Intelligence admin: the routing table is edited here; router versions can be activated."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from qinqing.analytics.intel import routing
from qinqing.analytics.intel.models import (
    MonthlyTopic,
    RouterVersion,
    RoutingCorrection,
    RoutingRule,
    SeasonalWarning,
)


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("category", "division", "department")
    list_filter = ("division",)
    autocomplete_fields = ()
    list_select_related = ("category", "division", "department")


@admin.action(description=_("Activate the selected router version"))
def activate(modeladmin: Any, request: HttpRequest, queryset: QuerySet[RouterVersion]) -> None:
    if queryset.count() != 1:
        modeladmin.message_user(request, "请只选择一个版本启用。", messages.ERROR)
        return
    version = routing.activate_version(queryset.get())
    modeladmin.message_user(request, f"已启用分诊模型 {version}。", messages.SUCCESS)


@admin.register(RouterVersion)
class RouterVersionAdmin(admin.ModelAdmin):
    list_display = ("version", "source", "trained_at", "n_train", "macro_f1", "is_active")
    readonly_fields = (
        "version",
        "file_path",
        "source",
        "trained_at",
        "n_train",
        "labels",
        "report",
        "is_active",
        "trained_by",
    )
    actions = [activate]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(RoutingCorrection)
class RoutingCorrectionAdmin(admin.ModelAdmin):
    list_display = (
        "appeal",
        "suggested_label",
        "suggested_confidence",
        "chosen_label",
        "created_at",
    )
    list_filter = ("chosen_label",)
    readonly_fields = [f.name for f in RoutingCorrection._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(MonthlyTopic)
class MonthlyTopicAdmin(admin.ModelAdmin):
    list_display = ("month", "title", "owner", "status")
    list_filter = ("status",)
    readonly_fields = ("status", "hotspot", "division", "created_by")


@admin.register(SeasonalWarning)
class SeasonalWarningAdmin(admin.ModelAdmin):
    list_display = ("season_start", "topic", "kind", "typical_count")
    readonly_fields = (
        "topic",
        "kind",
        "months",
        "season_start",
        "year",
        "years_seen",
        "typical_count",
    )
