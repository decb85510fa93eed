"""Reads: who may see which appeal. Every appeal query in views, API and exports starts
from `appeals_visible_to(user)` or `access_appeal(...)`."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from qinqing.accounts.models import Organisation, Role
from qinqing.accounts.permissions import (
    enterprise_uscc,
    has_role,
    org_in_scope,
    organisations_for,
    scope_filter,
    scope_org_ids,
)
from qinqing.appeals.models import Appeal, AppealEvent, Assignment, Extension

OVERSIGHT_ROLES = (Role.INTAKE_OPERATOR, Role.SUPERVISOR, Role.LEADER, Role.ADMIN)
DEPARTMENT_ROLES = (Role.HANDLER, Role.DEPT_HEAD)
DISPATCH_ROLES = (Role.INTAKE_OPERATOR, Role.SUPERVISOR, Role.ADMIN)
# assignments of appeals still being handled (see the partial index assignment_open)
OPEN_ASSIGNMENT_STATES = (
    Assignment.State.PENDING,
    Assignment.State.ACKNOWLEDGED,
    Assignment.State.REPLIED,
)


def _org_ids(user: Any, *roles: str) -> list[int]:
    """Ids of the organisations at or under the user's in `roles` (one query), so that
    appeal queries filter on indexed foreign keys instead of joining the tree."""
    cache = getattr(user, "_appeal_scope_cache", None)
    if cache is None:
        cache = {}
        user._appeal_scope_cache = cache
    key = (roles, tuple(organisations_for(user, *roles)))  # changes when roles change
    if key not in cache:
        cache[key] = sorted(scope_org_ids(user, *roles)) if key[1] else []
    return list(cache[key])


def _department_condition(user: Any) -> Q:
    departments = _org_ids(user, *DEPARTMENT_ROLES)
    if not departments:
        return Q(pk__in=[])
    assigned = Assignment.objects.filter(department_id__in=departments, appeal_id=OuterRef("pk"))
    return Q(Exists(assigned))


def visibility_condition(user: Any) -> Q:
    """A Q on Appeal selecting what `user` may see (nothing for anonymous users and
    policy officers)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if getattr(user, "is_superuser", False):
        return Q()
    uscc = enterprise_uscc(user)
    condition = Q(pk__in=[])
    if uscc:
        condition |= Q(enterprise__uscc=uscc) | Q(created_by=user, enterprise__isnull=True)
    if has_role(user, *OVERSIGHT_ROLES):
        condition |= Q(division_id__in=_org_ids(user, *OVERSIGHT_ROLES))
    if has_role(user, *DEPARTMENT_ROLES):
        condition |= _department_condition(user)
    return condition


def appeals_visible_to(user: Any) -> QuerySet[Appeal]:
    return Appeal.objects.filter(visibility_condition(user))


def access_appeal(user: Any, appeal_id: int, *, for_update: bool = False) -> Appeal:
    """The appeal if `user` may see it, else Http404 (no hint that it exists). With
    `for_update` the row is locked: call inside transaction.atomic."""
    qs = Appeal.objects.all()
    if for_update:
        qs = qs.select_for_update(of=("self",))
    appeal = qs.filter(pk=appeal_id).first()
    if appeal is None or not can_see(user, appeal):
        raise Http404("诉求不存在或无权查看")
    return appeal


def can_see(user: Any, appeal: Appeal) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if getattr(user, "is_superuser", False):
        return True
    if is_enterprise_owner(user, appeal):
        return True
    if oversees(user, appeal):
        return True
    return any(department_in_scope(user, a.department) for a in appeal.assignments.all())


def is_enterprise_owner(user: Any, appeal: Appeal) -> bool:
    uscc = enterprise_uscc(user)
    if not uscc:
        return False
    if appeal.enterprise_id is None:
        return appeal.created_by_id == user.pk
    return appeal.enterprise is not None and appeal.enterprise.uscc == uscc


def oversees(user: Any, appeal: Appeal, *roles: str) -> bool:
    """The user holds one of `roles` (default: any oversight role) over the appeal's division."""
    if getattr(user, "is_superuser", False):
        return True
    return org_in_scope(user, appeal.division, *(roles or OVERSIGHT_ROLES))


def department_in_scope(user: Any, department: Organisation | None) -> bool:
    return org_in_scope(user, department, *DEPARTMENT_ROLES)


def is_lead_department_member(user: Any, appeal: Appeal) -> bool:
    lead = current_lead(appeal)
    return lead is not None and department_in_scope(user, lead.department)


def current_lead(appeal: Appeal) -> Assignment | None:
    return (
        appeal.assignments.filter(role=Assignment.Role.LEAD)
        .exclude(state=Assignment.State.RETURNED)
        .select_related("department")
        .order_by("-id")
        .first()
    )


def is_staff_viewer(user: Any, appeal: Appeal) -> bool:
    """Staff who may see staff-only notes (consultations, internal attachments)."""
    return oversees(user, appeal) or any(
        department_in_scope(user, a.department) for a in appeal.assignments.all()
    )


def may_view_personal_data(user: Any, appeal: Appeal | None = None) -> bool:
    """Contact details unmasked: the enterprise itself, intake operators and supervisors
    (who call back) and the lead department (which must contact the enterprise)."""
    if appeal is not None and is_enterprise_owner(user, appeal):
        return True
    if appeal is None:
        return False
    if oversees(user, appeal, Role.INTAKE_OPERATOR, Role.SUPERVISOR):
        return True
    return is_lead_department_member(user, appeal)


def with_pressure(qs: QuerySet[Appeal]) -> QuerySet[Appeal]:
    """Annotate `pressed` ("urged" 催办 or "supervised" 督办: the latest since the current
    handling cycle began) and `pressed_at`, for the worklist's marker."""
    latest = AppealEvent.objects.filter(
        appeal=OuterRef("pk"), kind__in=("urged", "supervised")
    ).order_by("-at", "-id")
    return qs.annotate(
        pressed=Subquery(latest.values("kind")[:1]),
        pressed_at=Subquery(latest.values("at")[:1]),
    )


def worklist_for(user: Any) -> QuerySet[Appeal]:
    """Open appeals that the user's departments lead or assist, what is due first; each
    carries its latest 催办/督办 (`pressed`)."""
    from qinqing.appeals.models import FINAL_STATUSES

    departments = _org_ids(user, *DEPARTMENT_ROLES)
    open_assignments = Assignment.objects.filter(
        department_id__in=departments, state__in=OPEN_ASSIGNMENT_STATES
    ).values("appeal_id")
    return with_pressure(
        Appeal.objects.filter(pk__in=open_assignments)
        .exclude(status__in=FINAL_STATUSES)
        .select_related("category", "lead_department")
        .order_by("next_due_at", "id")
    )


def extensions_pending_for(user: Any) -> QuerySet[Extension]:
    return (
        Extension.objects.filter(state=Extension.State.PENDING)
        .filter(scope_filter(user, Role.SUPERVISOR, Role.ADMIN, field="appeal__division"))
        .select_related("appeal", "clock")
        .order_by("created_at")
    )


def reopen_window_days() -> int:
    """Working days after the reply in which the enterprise may ask for 重办 itself
    (APPEAL_REOPEN_WINDOW_WORKDAYS, default 15)."""
    from django.conf import settings

    return int(getattr(settings, "APPEAL_REOPEN_WINDOW_WORKDAYS", 15))


def reopen_window_ends(appeal: Appeal) -> Any:
    """When the enterprise's own 重办 window closes (None: no reply yet)."""
    from qinqing.workdays.services import deadline_after

    if appeal.replied_at is None:
        return None
    return deadline_after(appeal.replied_at, reopen_window_days())


def enterprise_may_request_reopen(user: Any, appeal: Appeal, now: Any = None) -> bool:
    """The enterprise answered the call-back unsatisfied (or not solved) and the window
    after the reply is still open: it may ask for 重办 itself."""
    from django.utils import timezone

    from qinqing.appeals.models import Rating, Status

    if appeal.status != Status.CALLED_BACK or not is_enterprise_owner(user, appeal):
        return False
    unsatisfied = appeal.callback_solved is False or appeal.rating in (
        Rating.UNSATISFIED,
        Rating.VERY_UNSATISFIED,
    )
    ends = reopen_window_ends(appeal)
    return unsatisfied and ends is not None and (now or timezone.now()) <= ends


def appeals_behind_figure(
    qs: QuerySet[Appeal], name: str, *, start: Any, end: Any, part: str | None = None
) -> tuple[Any, QuerySet[Appeal], float | None] | None:
    """(figure, the appeals it counts within `qs` for the days [start, end], its value
    over them), or None when `name` is no registered appeals figure. The ledger shows
    this list when a cockpit number links to it (?figure=...)."""
    import datetime as dt

    from django.utils import timezone

    from qinqing.core import figures as registry

    try:
        figure = registry.figure(name)
    except KeyError:
        return None
    if figure.population != "appeals":
        return None
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time(), tzinfo=tz) if start else None
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=tz) if end else None
    if part not in (None, *figure.parts()):
        part = None
    rows = registry.drill_down(name, start=lo, end=hi, part=part, qs=qs)
    value = registry.compute(name, start=lo, end=hi, qs=qs)[None]
    return figure, rows, value
