"""Admin: for correcting reference data. Projects, links and schedule items change
through the pages and the API (services); the timeline is read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from qinqing.core.admin import EventAdmin, ReadOnlyAdmin
from qinqing.projects.models import Project, ProjectEvent, ProjectMatter, ScheduleItem


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "enterprise", "project_type", "stage_label", "lead_department"]
    list_filter = ["project_type"]
    search_fields = ["code", "name", "enterprise__name"]
    exclude = ("stage",)
    readonly_fields = ("stage_label",)

    @admin.display(description=_("current stage"), ordering="stage")
    def stage_label(self, obj: Project) -> str:
        return obj.stage_name


@admin.register(ProjectMatter)
class ProjectMatterAdmin(ReadOnlyAdmin):
    list_display = ["project", "stage", "matter", "linked_at"]


@admin.register(ScheduleItem)
class ScheduleItemAdmin(ReadOnlyAdmin):
    list_display = ["project", "week", "next_step", "owner_unit", "due_on", "status"]
    list_filter = ["status"]


@admin.register(ProjectEvent)
class ProjectEventAdmin(EventAdmin):
    list_display = ["at", "project", "kind_label", "actor"]
    search_fields = ["project__name"]
