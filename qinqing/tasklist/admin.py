"""Admin: the timeline is read-only; tasks, reports and findings change through the
pages and the API (services)."""

from django.contrib import admin
from django.utils.translation import pgettext, pgettext_lazy

from qinqing.core.admin import EventAdmin, ReadOnlyAdmin
from qinqing.tasklist.models import Finding, Indicator, Task, TasklistEvent


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["year", "number", "name", "lead_department"]
    list_filter = ["year"]
    raw_id_fields = ["lead_department"]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["title", "indicator", "lead_unit", "due_on", "status"]
    list_filter = ["status", "indicator__year"]
    search_fields = ["title"]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["number", "source", "organisation", "title", "status", "due_at"]
    list_filter = ["source", "status"]


@admin.register(TasklistEvent)
class TasklistEventAdmin(EventAdmin):
    list_display = ["at", "subject_label", "kind_label", "note"]
    exclude = [*EventAdmin.exclude, "subject"]
    readonly_fields = ["subject_label", *EventAdmin.readonly_fields]

    @admin.display(description=pgettext_lazy("tasklist", "subject"), ordering="subject")
    def subject_label(self, obj: TasklistEvent) -> str:
        kind, _, pk = obj.subject.partition(":")
        names = {
            "task": pgettext("tasklist", "task"),
            "finding": pgettext("tasklist", "inspection finding"),
        }
        return f"{names.get(kind, kind)} #{pk}"
