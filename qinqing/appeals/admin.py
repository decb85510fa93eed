from django.contrib import admin

from qinqing.appeals.models import Appeal, Category, EscalationStep, TimeLimit


@admin.register(TimeLimit)
class TimeLimitAdmin(admin.ModelAdmin):
    list_display = ["__str__", "acknowledge_days", "contact_days", "reply_days", "callback_days"]


@admin.register(EscalationStep)
class EscalationStepAdmin(admin.ModelAdmin):
    list_display = [
        "level",
        "offset_days",
        "action",
        "notify_handler",
        "notify_dept_head",
        "notify_supervisor",
        "notify_leader",
        "sms",
    ]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent", "default_department", "open311_code", "is_active"]
    list_filter = ["is_active"]


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    """Read-only: appeals change only through the services (and so the timeline)."""

    list_display = ["number", "title", "status", "channel", "created_at"]
    list_filter = ["status", "channel", "type"]
    search_fields = ["number"]
    show_full_result_count = False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
