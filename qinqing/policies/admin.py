from django.contrib import admin

from qinqing.core.admin import EventAdmin, ReadOnlyAdmin
from qinqing.policies.models import (
    Application,
    Disbursement,
    GrantBatch,
    MatchRun,
    PolicyAttachment,
    PolicyDocument,
    PolicyEvent,
    PolicyItem,
    RuleVersion,
)


class AttachmentInline(admin.TabularInline):
    model = PolicyAttachment
    extra = 0


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "issuer", "doc_number", "issued_on", "status"]
    search_fields = ["title", "doc_number"]
    inlines = [AttachmentInline]
    readonly_fields = ["status"]


@admin.register(PolicyItem)
class PolicyItemAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "mode", "department", "status", "current_rule"]
    list_filter = ["status", "mode", "kind"]
    search_fields = ["title"]
    readonly_fields = ["status", "current_rule"]  # changed only through services (events)


@admin.register(RuleVersion)
class RuleVersionAdmin(ReadOnlyAdmin):
    list_display = ["item", "number", "status", "created_at", "published_at"]


@admin.register(MatchRun)
class MatchRunAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "scope",
        "status",
        "total",
        "done",
        "eligible",
        "created_at",
        "finished_at",
    ]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["item", "enterprise", "period", "status", "submitted_at", "due_at"]
    list_filter = ["status"]


@admin.register(GrantBatch)
class GrantBatchAdmin(ReadOnlyAdmin):
    list_display = ["item", "period", "status", "total"]


@admin.register(Disbursement)
class DisbursementAdmin(ReadOnlyAdmin):
    list_display = ["item", "enterprise", "period", "amount", "status", "paid_on"]
    list_filter = ["status"]


@admin.register(PolicyEvent)
class PolicyEventAdmin(EventAdmin):
    list_display = ["at", "kind_label", "actor", "item", "from_label", "to_label"]
