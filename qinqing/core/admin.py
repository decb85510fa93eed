from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from qinqing.core.event_labels import event_label
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


class EventAdmin(ReadOnlyAdmin):
    """A timeline's rows, with event kinds and states in Chinese."""

    exclude = ["kind", "from_state", "to_state"]
    readonly_fields = ["kind_label", "from_label", "to_label"]

    @admin.display(description=_("event"), ordering="kind")
    def kind_label(self, obj: Any) -> str:
        return event_label(obj.kind)

    @admin.display(description=_("from"))
    def from_label(self, obj: Any) -> str:
        return event_label(obj.from_state)

    @admin.display(description=_("to"))
    def to_label(self, obj: Any) -> str:
        return event_label(obj.to_state)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "username", "ip_address", "path"]
    list_filter = ["kind"]
    search_fields = ["username", "path"]
    date_hierarchy = "at"
