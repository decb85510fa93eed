"""Cockpit reads: who sees which scope, the overview from the rollups, the live panels."""

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, F, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from qinqing.accounts.models import Organisation, OrgKind, Role
from qinqing.accounts.permissions import has_role, is_admin, scope_org_ids
from qinqing.analytics.models import (
    AppealCategoryDaily,
    AppealDaily,
    DivisionDaily,
    OverviewSnapshot,
    RatingDaily,
    RollupState,
)

FULL_ROLES = (Role.LEADER, Role.SUPERVISOR, Role.ADMIN)
APPEAL_SUMS = (
    "received",
    "open",
    "overdue",
    "closed",
    "ack_on_time",
    "ack_measured",
    "closed_on_time",
    "close_measured",
    "solved",
    "solved_measured",
    "satisfied",
    "rated",
)
RATING_SUMS = ("count", "good", "basic", "bad", "rectified", "called_back")


def freshness() -> dict[str, dt.datetime | None]:
    states = dict(RollupState.objects.values_list("name", "refreshed_at"))
    return {"appeals": states.get("appeals"), "ratings": states.get("ratings")}


# --- Who sees what ---------------------------------------------------------------------


@dataclass
class Scope:
    """What part of the cockpit a person sees: whole divisions, or departments only."""

    full: bool
    division_ids: set[int] | None = None  # None: every division (administrators)
    department_ids: set[int] | None = None  # set for department heads
    divisions: list[Organisation] = field(default_factory=list)

    @property
    def key(self) -> str:
        def part(ids: set[int] | None) -> str:
            return "*" if ids is None else ",".join(map(str, sorted(ids)))

        return f"{int(self.full)}:{part(self.division_ids)}:{part(self.department_ids)}"


def cockpit_scope(user: Any, division: Organisation | None = None) -> Scope | None:
    """None when the person may not see the cockpit (enterprises, handlers, observers).
    `division` narrows a full scope to one division and everything under it."""
    if is_admin(user) or has_role(user, Role.LEADER, Role.SUPERVISOR):
        if is_admin(user):
            allowed = Organisation.objects.filter(kind=OrgKind.DIVISION)
        else:
            allowed = Organisation.objects.filter(
                kind=OrgKind.DIVISION, pk__in=scope_org_ids(user, Role.LEADER, Role.SUPERVISOR)
            )
        divisions = list(allowed.order_by("path"))
        if division is not None and division in divisions:
            ids = {d.pk for d in divisions if d.path.startswith(division.path)}
            return Scope(
                full=True,
                division_ids=ids,
                divisions=divisions,
                department_ids=_departments_under(division),
            )
        if is_admin(user):
            return Scope(full=True, division_ids=None, divisions=divisions)
        return Scope(
            full=True,
            division_ids={d.pk for d in divisions},
            divisions=divisions,
            department_ids=scope_org_ids(user, Role.LEADER, Role.SUPERVISOR),
        )
    if has_role(user, Role.DEPT_HEAD):
        return Scope(full=False, department_ids=scope_org_ids(user, Role.DEPT_HEAD))
    return None


def _departments_under(division: Organisation) -> set[int]:
    return set(
        Organisation.objects.filter(path__startswith=division.path).values_list("pk", flat=True)
    )


# --- The overview ------------------------------------------------------------------------


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _appeal_rows(scope: Scope, start: dt.date, end: dt.date) -> Any:
    qs = AppealDaily.objects.filter(day__gte=start, day__lte=end)
    if scope.full:
        if scope.division_ids is not None:
            qs = qs.filter(division_id__in=scope.division_ids)
    else:
        qs = qs.filter(department_id__in=scope.department_ids or set())
    return qs


def _rating_rows(scope: Scope, start: dt.date, end: dt.date) -> Any:
    qs = RatingDaily.objects.filter(day__gte=start, day__lte=end)
    if scope.department_ids is not None:
        qs = qs.filter(department_id__in=scope.department_ids)
    return qs


def _sums(fields: tuple[str, ...]) -> dict[str, Any]:
    return {k: Sum(k) for k in fields}


# overview key -> registered figure (qinqing/core/figures.py; docs/figures.md)
APPEAL_FIGURES = {
    "received": "appeal_received",
    "open": "appeal_open",
    "overdue": "appeal_overdue",
    "closed": "appeal_closed",
    "ack_rate": "appeal_ack_on_time_rate",
    "response_rate": "appeal_response_on_time_rate",
    "close_rate": "appeal_close_on_time_rate",
    "solved_rate": "appeal_solved_rate",
    "satisfied_rate": "appeal_satisfied_rate",
}
RATING_FIGURES = {
    "count": "rating_count",
    "bad": "rating_bad",
    "good_rate": "rating_good_rate",
    "rectify_rate": "rating_rectify_rate",
    "callback_rate": "rating_callback_rate",
    "handled": "service_handled",
    "rated": "service_rated",
    "participation_rate": "rating_participation_rate",
}


def _named(values: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {key: values.get(name) for key, name in names.items()}


def overview(
    scope: Scope, start: dt.date, end: dt.date, *, use_snapshot: bool = True
) -> dict[str, Any]:
    """Everything the overview page draws, from the rollups. Looked up in the cache, then
    in the snapshots computed after the last refresh, else aggregated (and stored)."""
    fresh = freshness()
    raw = "|".join([scope.key, start.isoformat(), end.isoformat(), *map(str, fresh.values())])
    key = hashlib.sha256(raw.encode()).hexdigest()
    cached = cache.get("cockpit:" + key)
    if cached is not None:
        return {**cached, "fresh": fresh}
    snapshot = (
        OverviewSnapshot.objects.filter(key=key).values_list("data", flat=True).first()
        if use_snapshot
        else None
    )
    data = snapshot if snapshot is not None else _build_overview(scope, start, end)
    if snapshot is None:
        OverviewSnapshot.objects.update_or_create(
            key=key, defaults={"data": data, "computed_at": timezone.now()}
        )
    cache.set("cockpit:" + key, data, 600)
    return {**data, "fresh": fresh}


def _division_rows(scope: Scope, start: dt.date, end: dt.date) -> Any:
    """For whole divisions the small by-division rollup answers totals and trends; for a
    department scope, the department rows do."""
    if not scope.full:
        return _appeal_rows(scope, start, end)
    qs = DivisionDaily.objects.filter(day__gte=start, day__lte=end)
    if scope.division_ids is not None:
        qs = qs.filter(division_id__in=scope.division_ids)
    return qs


def _build_overview(scope: Scope, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Every number from the figure rollup and the registry's definitions; the charts'
    received/closed series from the by-division rollup."""
    from qinqing.analytics.figure_rollup import figure_values

    divisions = _division_rows(scope, start, end)
    figures = figure_values(scope, start, end)
    totals = _named(figures["totals"], APPEAL_FIGURES)
    rating_parts = figures["parts"].get("ratings", {})
    rating_totals = {
        **_named(figures["totals"], RATING_FIGURES),
        **{k: rating_parts.get(k, 0) for k in ("good", "basic", "rectified", "called_back")},
    }
    weekly = list(
        divisions.annotate(p=TruncWeek("day"))
        .values("p")
        .annotate(received=Sum("received"), closed=Sum("closed"))
        .order_by("p")
    )
    monthly = list(
        divisions.annotate(p=TruncMonth("day"))
        .values("p")
        .annotate(received=Sum("received"), closed=Sum("closed"))
        .order_by("p")
    )
    by_dept = {
        pk: _named(values, APPEAL_FIGURES)
        for pk, values in figures["by_department"].items()
        if values.get("appeal_received")
    }
    rating_by_dept = {
        pk: _named(values, RATING_FIGURES)
        for pk, values in figures["by_department"].items()
        if values.get("rating_count")
    }
    by_division = list(
        divisions.values("division_id")
        .annotate(received=Sum("received"), overdue=Sum("overdue"))
        .order_by("-received")
    )
    categories = AppealCategoryDaily.objects.filter(day__gte=start, day__lte=end)
    if scope.full and scope.division_ids is not None:
        categories = categories.filter(division_id__in=scope.division_ids)
    elif not scope.full:
        categories = categories.none()  # departments see their ranking, not the district's mix
    by_category = list(
        categories.values("category_id").annotate(received=Sum("received")).order_by("-received")
    )
    names = dict(
        Organisation.objects.filter(
            pk__in={*by_dept, *rating_by_dept, *(r["division_id"] for r in by_division)}
        ).values_list("pk", "short_name")
    )
    full_names = dict(
        Organisation.objects.filter(
            pk__in={*by_dept, *rating_by_dept, *(r["division_id"] for r in by_division)}
        ).values_list("pk", "name")
    )
    for pk, short in names.items():
        names[pk] = short or full_names[pk]
    return {
        "appeals": totals,
        "ratings": rating_totals,
        "figures": figures["totals"],
        "weekly": [
            {"p": r["p"].isoformat(), "received": r["received"], "closed": r["closed"]}
            for r in weekly
        ],
        "monthly": [
            {
                "p": r["p"].strftime("%Y-%m"),
                "received": r["received"],
                "closed": r["closed"],
                "satisfied_rate": figures["by_month"]
                .get(r["p"].strftime("%Y-%m"), {})
                .get("appeal_satisfied_rate"),
            }
            for r in monthly
        ],
        "ranking": _ranking(by_dept, rating_by_dept, names),
        "by_division": [
            {
                "id": r["division_id"],
                "name": names.get(r["division_id"], "?"),
                "received": r["received"],
                "overdue": r["overdue"],
            }
            for r in by_division
        ],
        "by_category": _categories(by_category),
    }


def _ranking(
    by_dept: dict[int, dict[str, Any]],
    rating_by_dept: dict[int, dict[str, Any]],
    names: dict[int, str],
) -> list[dict[str, Any]]:
    """红黑榜: departments ordered by a plain mean of their on-time, solved, satisfied and
    好评 rates (rates a department has no data for are left out of its mean)."""
    rows = []
    for pk in {*by_dept, *rating_by_dept}:
        a = by_dept.get(pk, {})
        r = rating_by_dept.get(pk, {})
        rates = [
            a.get("close_rate"),
            a.get("solved_rate"),
            a.get("satisfied_rate"),
            r.get("good_rate"),
        ]
        known = [x for x in rates if x is not None]
        rows.append(
            {
                "id": pk,
                "name": names.get(pk, "?"),
                "received": a.get("received", 0),
                "overdue": a.get("overdue", 0),
                "close_rate": a.get("close_rate"),
                "satisfied_rate": a.get("satisfied_rate"),
                "good_rate": r.get("good_rate"),
                "score": round(sum(known) / len(known) * 100, 1) if known else None,
            }
        )
    return sorted(rows, key=lambda x: (x["score"] is None, -(x["score"] or 0), x["name"]))


def _categories(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Received appeals per top-level category (rows come grouped by it already)."""
    from qinqing.appeals.models import Category

    names = dict(
        Category.objects.filter(pk__in=[r["category_id"] for r in rows]).values_list("pk", "name")
    )
    return [
        {
            "id": r["category_id"],
            "name": names.get(r["category_id"], "未分类"),
            "received": r["received"] or 0,
        }
        for r in rows
    ]


# --- Live panels (small tables, cached a few minutes) ------------------------------------

LIVE_SECONDS = 300


def policy_figures(scope: Scope) -> dict[str, Any] | None:
    """Eligible enterprises, grants and amounts paid (district-wide; full scope only)."""
    if not scope.full:
        return None
    cached = cache.get("cockpit:policies")
    if cached is not None:
        return cached
    try:
        from qinqing.policies.models import Disbursement, GrantLine, MatchResult, Outcome
    except ImportError:
        return None
    paid = Disbursement.objects.filter(status="paid").aggregate(n=Count("id"), amount=Sum("amount"))
    data = {
        "eligible_enterprises": MatchResult.objects.filter(outcome=Outcome.ELIGIBLE)
        .values("enterprise_id")
        .distinct()
        .count(),
        "grants": GrantLine.objects.filter(status="included").count(),
        "paid_count": paid["n"] or 0,
        "paid_amount": float(paid["amount"] or 0),
        "at": timezone.now(),
    }
    cache.set("cockpit:policies", data, LIVE_SECONDS)
    return data


def warning_figures(scope: Scope) -> dict[str, Any] | None:
    """Open enterprise early warnings in the scope's divisions (full scope only)."""
    if not scope.full:
        return None
    key = "cockpit:warnings:" + hashlib.sha256(scope.key.encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    try:
        from qinqing.enterprises.models import EarlyWarning
    except ImportError:
        return None
    qs = EarlyWarning.objects.filter(status="open")
    if scope.division_ids is not None:
        qs = qs.filter(enterprise__division_id__in=scope.division_ids)
    by_rule = list(qs.values(name=F("rule__name")).annotate(n=Count("id")).order_by("-n")[:6])
    data = {
        "open": sum(r["n"] for r in by_rule) if len(by_rule) < 6 else qs.count(),
        "by_rule": by_rule,
        "at": timezone.now(),
    }
    cache.set(key, data, LIVE_SECONDS)
    return data


def service_figures(scope: Scope, user: Any) -> dict[str, Any]:
    """The catalog's (政务服务) and liaison's (包联, 驻企) headline figures for the panel
    beside the policies; each app computes its own, the cockpit only shows them."""
    from qinqing.catalog.figures import department_figures, district_total
    from qinqing.liaison.figures import cockpit_summary
    from qinqing.liaison.selectors import oversees
    from qinqing.tasklist import figures as tasklist_figures
    from qinqing.tasklist import selectors as tasklist_selectors

    ids = None if scope.department_ids is None else list(scope.department_ids)
    return {
        "catalog": district_total(department_figures(ids)),
        "liaison": cockpit_summary(user) if oversees(user) else None,
        "tasklist": tasklist_figures.cockpit_summary()
        if tasklist_selectors.oversees(user)
        else None,
    }
