"""Admin: for correcting reference data. Business changes go through the pages and the
API (services); the timeline is read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from qinqing.liaison.models import (
    Activity,
    ActivitySeries,
    Liaison,
    LiaisonEvent,
    Round,
    ServiceTeam,
    Stay,
    Visit,
)


@admin.register(Liaison)
class LiaisonAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "role", "cadre", "organisation", "starts_on", "ends_on"]
    list_filter = ["role"]
    search_fields = ["enterprise__name", "cadre__full_name"]
    raw_id_fields = ["enterprise", "cadre", "organisation", "created_by"]


@admin.register(ServiceTeam)
class ServiceTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "enterprise", "lead"]
    raw_id_fields = ["enterprise", "lead", "members"]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["visited_on", "enterprise", "cadre", "people_met"]
    search_fields = ["enterprise__name", "cadre__full_name"]
    raw_id_fields = ["enterprise", "cadre"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on", "status", "radius_m", "sample_size"]
    readonly_fields = ["status"]  # opened and closed through the services


@admin.register(Stay)
class StayAdmin(admin.ModelAdmin):
    list_display = ["round", "cadre", "enterprise", "starts_on", "ends_on"]
    list_filter = ["round"]
    raw_id_fields = ["round", "cadre", "department", "enterprise"]


@admin.register(ActivitySeries)
class ActivitySeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organiser"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["held_on", "title", "kind", "series", "organiser"]
    list_filter = ["kind", "series"]
    raw_id_fields = ["organiser", "created_by"]


@admin.register(LiaisonEvent)
class LiaisonEventAdmin(admin.ModelAdmin):
    list_display = ["at", "subject", "kind", "note"]
    list_filter = ["kind"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
