from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from qinqing.core.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """For append-only rows (audit log, timelines) and rows only services write: the admin
    may look, never add, change or delete."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "username", "ip_address", "path"]
    list_filter = ["kind"]
    search_fields = ["username", "path"]
    date_hierarchy = "at"
