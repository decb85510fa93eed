"""Reads: who may see which project and schedule item. Every project query in views and
the API starts from `projects_visible_to` or `access_project`.

A department sees the projects it leads, those in its street, those where it owns a
schedule item and those whose matters it handles; leaders, supervisors and
administrators see all; an enterprise sees its own projects, read-only."""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from qinqing.accounts.models import Role
from qinqing.accounts.permissions import (
    enterprise_uscc,
    has_role,
    is_admin,
    org_in_scope,
    scope_org_ids,
)
from qinqing.core.audit import record_audit
from qinqing.core.models import AuditEvent
from qinqing.projects.models import Project, ProjectMatter, ScheduleItem

OVERSIGHT_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.ADMIN)
DEPARTMENT_ROLES = (Role.HANDLER, Role.DEPT_HEAD)
ESCALATION_ROLES = (Role.INTAKE_OPERATOR, Role.SUPERVISOR, Role.ADMIN)  # register appeals


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def oversees(user: Any) -> bool:
    return _authenticated(user) and (is_admin(user) or has_role(user, *OVERSIGHT_ROLES))


def is_project_staff(user: Any) -> bool:
    return oversees(user) or (_authenticated(user) and has_role(user, *DEPARTMENT_ROLES))


def may_use_projects(user: Any) -> bool:
    """Staff who work on projects, or an enterprise user (its own projects)."""
    return is_project_staff(user) or enterprise_uscc(user) is not None


def department_ids(user: Any) -> set[int]:
    return scope_org_ids(user, *DEPARTMENT_ROLES) if has_role(user, *DEPARTMENT_ROLES) else set()


def visibility_condition(user: Any) -> Q:
    if not _authenticated(user):
        return Q(pk__in=[])
    if oversees(user):
        return Q()
    condition = Q(pk__in=[])
    uscc = enterprise_uscc(user)
    if uscc:
        condition |= Q(enterprise__uscc=uscc)
    ids = department_ids(user)
    if ids:
        owning = ScheduleItem.objects.filter(owner_unit_id__in=ids).values("project_id")
        handling = ProjectMatter.objects.filter(matter__department_id__in=ids).values("project_id")
        condition |= (
            Q(lead_department_id__in=ids)
            | Q(division_id__in=ids)
            | Q(pk__in=owning)
            | Q(pk__in=handling)
        )
    return condition


def projects_visible_to(user: Any) -> QuerySet[Project]:
    return Project.objects.filter(visibility_condition(user))


def access_project(
    user: Any, project_id: int, *, for_update: bool = False, request: HttpRequest | None = None
) -> Project:
    """The project if `user` may see it, else Http404 (the attempt is audited). With
    `for_update` the row is locked: call inside transaction.atomic."""
    qs = projects_visible_to(user).select_related("enterprise", "lead_department", "division")
    if for_update:
        qs = Project.objects.filter(pk__in=qs.values("pk")).select_for_update(of=("self",))
    project = qs.filter(pk=project_id).first()
    if project is None:
        record_audit(
            AuditEvent.Kind.DENIED,
            request=request,
            user=user if _authenticated(user) else None,
            action="projects:view_project",
            project=project_id,
        )
        raise Http404("项目不存在或无权查看")
    return project


def may_manage(user: Any, project: Project) -> bool:
    """Change the project, link matters and plan its schedule: the lead department,
    supervisors, leaders and administrators."""
    return oversees(user) or org_in_scope(user, project.lead_department, *DEPARTMENT_ROLES)


def may_lead(user: Any, lead_department: Any) -> bool:
    """Register a project led by `lead_department`."""
    return oversees(user) or org_in_scope(user, lead_department, *DEPARTMENT_ROLES)


def may_update_item(user: Any, item: ScheduleItem) -> bool:
    """The item's owner unit and person, and whoever manages the project."""
    if item.owner_person_id is not None and item.owner_person_id == getattr(user, "pk", None):
        return True
    return may_manage(user, item.project) or org_in_scope(user, item.owner_unit, *DEPARTMENT_ROLES)


def may_escalate(user: Any, project: Project) -> bool:
    """Register a blocker as an appeal: who may register appeals for the enterprise's
    area (intake operators, supervisors, administrators), as the intake service checks."""
    if getattr(user, "is_superuser", False):
        return True
    division = project.enterprise.division
    if division is None:
        return has_role(user, *ESCALATION_ROLES)
    return org_in_scope(user, division, *ESCALATION_ROLES)


def schedule_visible_to(user: Any) -> QuerySet[ScheduleItem]:
    return ScheduleItem.objects.filter(project__in=projects_visible_to(user).values("pk"))


def access_item(
    user: Any, item_id: int, *, for_update: bool = False, request: HttpRequest | None = None
) -> ScheduleItem:
    qs = ScheduleItem.objects.filter(project__in=projects_visible_to(user).values("pk"))
    if for_update:
        qs = ScheduleItem.objects.filter(pk__in=qs.values("pk")).select_for_update(of=("self",))
    item = qs.select_related("project", "owner_unit", "owner_person").filter(pk=item_id).first()
    if item is None:
        record_audit(
            AuditEvent.Kind.DENIED,
            request=request,
            user=user if _authenticated(user) else None,
            action="projects:view_schedule_item",
            item=item_id,
        )
        raise Http404("调度事项不存在或无权查看")
    return item
