"""Admin: for correcting reference data. Projects, links and schedule items change
through the pages and the API (services); the timeline is read-only."""

from django.contrib import admin

from qinqing.core.admin import EventAdmin, ReadOnlyAdmin
from qinqing.projects.models import Project, ProjectEvent, ProjectMatter, ScheduleItem


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "enterprise", "project_type", "stage", "lead_department"]
    list_filter = ["project_type", "stage"]
    search_fields = ["code", "name", "enterprise__name"]


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
