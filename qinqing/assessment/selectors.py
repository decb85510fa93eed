"""Who sees which part of the assessment."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from qinqing.accounts.models import Organisation, OrgKind, Role
from qinqing.accounts.permissions import (
    has_role,
    is_admin,
    org_in_scope,
    scope_filter,
    scope_org_ids,
)
from qinqing.assessment.models import Indicator, ManualEntry

OVERSIGHT = (Role.LEADER, Role.SUPERVISOR)


def sees_all(user: Any) -> bool:
    return is_admin(user) or has_role(user, *OVERSIGHT)


def may_view(user: Any) -> bool:
    return sees_all(user) or has_role(user, Role.DEPT_HEAD)


def assessed_departments(user: Any) -> QuerySet[Organisation]:
    """The departments in the ranking: every department under the viewer's divisions
    (department heads see the ranking of the district their department belongs to)."""
    qs = Organisation.objects.filter(kind=OrgKind.DEPARTMENT, is_active=True)
    if is_admin(user):
        return qs
    if has_role(user, *OVERSIGHT):
        return qs.filter(scope_filter(user, *OVERSIGHT, field=""))
    own = Organisation.objects.filter(
        pk__in=scope_org_ids(user, Role.DEPT_HEAD), kind=OrgKind.DEPARTMENT
    )
    parents = {o.parent_id for o in own}
    return qs.filter(parent_id__in=parents)


def may_see_breakdown(user: Any, department: Organisation) -> bool:
    return sees_all(user) or org_in_scope(user, department, Role.DEPT_HEAD)


def may_enter(user: Any, indicator: Indicator) -> bool:
    """Supervisors and administrators, or the head of the indicator's lead department."""
    return (
        is_admin(user)
        or has_role(user, Role.SUPERVISOR)
        or (
            indicator.lead_department is not None
            and org_in_scope(user, indicator.lead_department, Role.DEPT_HEAD)
        )
    )


def entries_visible_to(user: Any) -> QuerySet[ManualEntry]:
    qs = ManualEntry.objects.select_related("indicator", "department", "entered_by")
    if sees_all(user):
        return qs
    return qs.filter(scope_filter(user, Role.DEPT_HEAD, field="department"))


def access_indicator(user: Any, pk: int) -> Indicator:
    ind = Indicator.objects.select_related("lead_department").filter(pk=pk).first()
    if ind is None or not may_enter(user, ind):
        raise Http404
    return ind
