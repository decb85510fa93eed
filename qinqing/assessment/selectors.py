"""Who sees which part of the assessment, which units a scheme scores, and the frozen
sheets of a month."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from qinqing.accounts.models import Organisation, OrgKind, Role
from qinqing.accounts.permissions import (
    has_role,
    is_admin,
    org_in_scope,
    scope_filter,
    scope_org_ids,
)
from qinqing.assessment import figures, scoring
from qinqing.assessment.models import (
    AssessedUnit,
    Indicator,
    ManualEntry,
    Scheme,
    ScoreSheet,
    SheetLine,
    SheetUnit,
)

OVERSIGHT = (Role.LEADER, Role.SUPERVISOR)
UNIT_ROLES = (Role.LEADER, Role.SUPERVISOR, Role.DEPT_HEAD)


def sees_all(user: Any) -> bool:
    return is_admin(user) or has_role(user, *OVERSIGHT)


def may_view(user: Any) -> bool:
    return sees_all(user) or has_role(user, Role.DEPT_HEAD)


def may_freeze(user: Any) -> bool:
    """Freezing a month and correcting a frozen one: administrators and supervisors
    (the assessment office)."""
    return is_admin(user) or has_role(user, Role.SUPERVISOR)


def default_units() -> QuerySet[Organisation]:
    """Units scored when a scheme has none typed: active departments and the towns and
    streets directly under a district."""
    return Organisation.objects.filter(
        Q(kind=OrgKind.DEPARTMENT) | Q(kind=OrgKind.DIVISION, depth=1), is_active=True
    )


def scheme_units(scheme: Scheme) -> QuerySet[Organisation]:
    """The units a scheme scores: those typed for it, or `default_units`."""
    typed = AssessedUnit.objects.filter(scheme=scheme, is_active=True)
    if not typed.exists():
        return default_units()
    return Organisation.objects.filter(pk__in=typed.values("organisation_id"), is_active=True)


def assessed_units(user: Any, scheme: Scheme) -> QuerySet[Organisation]:
    """The units in the viewer's ranking: every unit under the viewer's divisions
    (a department head sees the ranking of the district their unit belongs to)."""
    qs = scheme_units(scheme)
    if is_admin(user):
        return qs
    if has_role(user, *OVERSIGHT):
        return qs.filter(scope_filter(user, *OVERSIGHT, field=""))
    own = Organisation.objects.filter(pk__in=scope_org_ids(user, Role.DEPT_HEAD))
    parents = {o.parent_id for o in own}
    return qs.filter(parent_id__in=parents)


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
    """A unit's lines: the unit itself (its head), oversight over it, administrators."""
    return is_admin(user) or org_in_scope(user, department, *UNIT_ROLES)


def access_unit(user: Any, scheme: Scheme, pk: int) -> Organisation:
    unit = assessed_units(user, scheme).filter(pk=pk).first()
    if unit is None or not may_see_breakdown(user, unit):
        raise Http404
    return unit


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


# --- frozen sheets --------------------------------------------------------------------


def sheets_of(scheme: Scheme, month: dt.date) -> QuerySet[ScoreSheet]:
    """Every version of the month's sheet, newest first."""
    return ScoreSheet.objects.filter(scheme=scheme, period=month.replace(day=1)).select_related(
        "frozen_by"
    )


def sheet_for(scheme: Scheme, month: dt.date, version: int | None = None) -> ScoreSheet | None:
    """The version asked for, else the newest; None when the month is not frozen."""
    sheets = sheets_of(scheme, month)
    if version is not None:
        return sheets.filter(version=version).first()
    return sheets.order_by("-version").first()


def sheet_results(
    sheet: ScoreSheet, unit_ids: set[int] | None = None, *, lines: bool = True
) -> list[scoring.DepartmentScore]:
    """The frozen scores as the live scoring shapes them (ranks as stored). With
    `lines`, every stored line with its formula and drill-down; totals stay as frozen."""
    units = SheetUnit.objects.filter(sheet=sheet).select_related("organisation")
    if unit_ids is not None:
        units = units.filter(organisation_id__in=unit_ids)
    period = scoring.Period.month(sheet.period.year, sheet.period.month)
    start, end = period.bounds()
    results: dict[int, scoring.DepartmentScore] = {}
    totals: dict[int, Decimal] = {}
    for u in units:
        results[u.pk] = scoring.DepartmentScore(u.organisation, rank=u.rank, unit_type=u.unit_type)
        totals[u.pk] = u.total
    if lines:
        stored = SheetLine.objects.filter(unit_id__in=list(results)).select_related(
            "indicator__dimension"
        )
        for line in stored.order_by("unit_id", "indicator__order", "indicator_id"):
            result = results[line.unit_id]
            ind = line.indicator
            formula = scoring.manual_formula(ind) if not ind.figure else figures.formula(ind)
            drill = figures.drill(ind.figure, result.department, start, end) if ind.figure else ""
            result.lines.append(
                scoring.Line(ind, line.value, line.points, line.how, formula, drill)
            )
    for pk, result in results.items():
        result.frozen_total = totals[pk]
    return sorted(
        results.values(),
        key=lambda r: (scoring.TYPE_ORDER.get(r.unit_type, 9), r.rank, r.department.name),
    )


def latest_sheets(limit: int = 6) -> QuerySet[ScoreSheet]:
    return ScoreSheet.objects.select_related("scheme").order_by("-period", "-version")[:limit]


@dataclass
class Standing:
    """A month's (or year's) scores as shown: the frozen sheet where there is one."""

    results: list[scoring.DepartmentScore]
    sheet: ScoreSheet | None = None

    @property
    def live(self) -> bool:
        return self.sheet is None


def standing(
    scheme: Scheme,
    period: scoring.Period,
    units: list[Organisation],
    *,
    version: int | None = None,
    lines: bool = True,
    only: Organisation | None = None,
) -> Standing:
    """Frozen months read their sheet (the newest version, or `version`); the open month,
    months not frozen yet and whole years are computed live (ranked among `units`).
    `only`: keep that unit's score alone."""
    if period.months == 1:
        sheet = sheet_for(scheme, period.start, version)
        if sheet is not None:
            ids = {only.pk} if only is not None else {u.pk for u in units}
            return Standing(sheet_results(sheet, ids, lines=lines), sheet)
    results = scoring.score(scheme, units, period)
    if only is not None:
        results = [r for r in results if r.department.pk == only.pk]
    return Standing(results)
