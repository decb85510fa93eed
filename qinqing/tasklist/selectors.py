"""Reads: who may see which task and finding. Views, API and exports start here.

- the business-environment office (营商办: supervisors) and administrators manage the
  list, record findings and review rectifications; with leaders they see everything;
- a department (its handlers, head and cadres) sees the tasks it is responsible for
  (lead or other responsible unit) or whose indicator it leads, and findings against it;
- everyone else sees nothing (denials are audited by the callers).
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from qinqing.accounts.models import Organisation, Role
from qinqing.accounts.permissions import enterprise_uscc, has_role, organisations_for
from qinqing.tasklist.models import Comment, Evidence, Finding, Indicator, Task

MANAGER_ROLES = (Role.SUPERVISOR, Role.ADMIN)
OVERSIGHT_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.ADMIN)
COMMENT_ROLES = (Role.LEADER, Role.SUPERVISOR, Role.ADMIN)
UNIT_ROLES = (Role.HANDLER, Role.DEPT_HEAD, Role.CADRE)


def _superuser(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False))


def manages(user: Any) -> bool:
    """营商办: keeps the list, records findings, accepts or returns rectifications."""
    return _superuser(user) or has_role(user, *MANAGER_ROLES)


def oversees(user: Any) -> bool:
    return _superuser(user) or has_role(user, *OVERSIGHT_ROLES)


def may_comment(user: Any) -> bool:
    return _superuser(user) or has_role(user, *COMMENT_ROLES)


def unit_ids(user: Any) -> list[int]:
    """The organisations the person works for as a member of a responsible unit."""
    if enterprise_uscc(user) or not getattr(user, "is_authenticated", False):
        return []
    return organisations_for(user, *UNIT_ROLES)


def may_use(user: Any) -> bool:
    return oversees(user) or bool(unit_ids(user))


def responsible_condition(ids: list[int]) -> Q:
    return Q(lead_unit_id__in=ids) | Q(units__in=ids) | Q(indicator__lead_department_id__in=ids)


def tasks_visible_to(user: Any) -> QuerySet[Task]:
    if oversees(user):
        return Task.objects.all()
    ids = unit_ids(user)
    if not ids:
        return Task.objects.none()
    return Task.objects.filter(pk__in=Task.objects.filter(responsible_condition(ids)).values("pk"))


def indicators_visible_to(user: Any) -> QuerySet[Indicator]:
    if oversees(user):
        return Indicator.objects.all()
    ids = unit_ids(user)
    if not ids:
        return Indicator.objects.none()
    return Indicator.objects.filter(
        Q(lead_department_id__in=ids) | Q(pk__in=tasks_visible_to(user).values("indicator_id"))
    )


def findings_visible_to(user: Any) -> QuerySet[Finding]:
    if oversees(user):
        return Finding.objects.all()
    ids = unit_ids(user)
    return Finding.objects.filter(organisation_id__in=ids) if ids else Finding.objects.none()


def is_responsible(user: Any, task: Task) -> bool:
    """A member of the lead unit or of another responsible unit: may report."""
    ids = set(unit_ids(user))
    if not ids:
        return False
    if task.lead_unit_id in ids:
        return True
    return task.units.filter(pk__in=ids).exists()


def is_finding_unit(user: Any, finding: Finding) -> bool:
    return finding.organisation_id in set(unit_ids(user))


def access_task(user: Any, task_id: int) -> Task:
    task = (
        tasks_visible_to(user)
        .select_related("indicator", "indicator__lead_department", "lead_unit")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise Http404("任务不存在或无权查看")
    return task


def access_indicator(user: Any, indicator_id: int) -> Indicator:
    indicator = (
        indicators_visible_to(user)
        .select_related("lead_department")
        .filter(pk=indicator_id)
        .first()
    )
    if indicator is None:
        raise Http404("指标不存在或无权查看")
    return indicator


def access_finding(user: Any, finding_id: int) -> Finding:
    finding = (
        findings_visible_to(user)
        .select_related("organisation", "inspector", "indicator")
        .filter(pk=finding_id)
        .first()
    )
    if finding is None:
        raise Http404("问题不存在或无权查看")
    return finding


def access_evidence(user: Any, token: str) -> Evidence:
    item = Evidence.objects.select_related("report").filter(token=token).first()
    if item is None:
        raise Http404("文件不存在或无权查看")
    access_task(user, item.report.task_id)
    return item


def comments_for(
    *, task: Task | None = None, indicator: Indicator | None = None
) -> QuerySet[Comment]:
    condition = Q(pk__in=[])
    if task is not None:
        condition |= Q(task=task) | Q(indicator_id=task.indicator_id, task__isnull=True)
    if indicator is not None:
        condition |= Q(indicator=indicator)
    return Comment.objects.filter(condition).select_related("author", "task")


def responsible_units(task: Task) -> list[Organisation]:
    return [task.lead_unit, *task.units.exclude(pk=task.lead_unit_id).order_by("name")]


def unit_choices() -> QuerySet[Organisation]:
    """Units a task or finding may name: active departments and streets/towns."""
    return Organisation.objects.filter(is_active=True, kind__in=["department", "division"]).exclude(
        depth=0
    )
