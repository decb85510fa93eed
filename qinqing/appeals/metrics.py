"""Appeal figures, computed from the clock outcomes and call-backs that the services
record (never typed in). Formulas: docs/appeals-metrics.md.

Public API for the cockpit and assessment:

    compute(start, end, *, group_by=None|"department"|"category"|"month",
            division=None, weights=None, now=None) -> list[MetricRow]

`start`/`end` are dates (end exclusive); an appeal belongs to the period in which it was
registered. Each query is one aggregate pass over the appeals of the period plus one over
the running clocks and one over the lead assignments, so a year at a million appeals
stays well under a second on PostgreSQL.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from qinqing.accounts.models import Organisation
from qinqing.appeals.models import Appeal, Assignment, Category, Clock, Rating, Status
from qinqing.workdays.calendar import CHINA

DEFAULT_WEIGHTS: dict[str, float] = {
    Rating.VERY_SATISFIED: 1.0,
    Rating.SATISFIED: 1.0,
    Rating.BASIC: 1.0,
    Rating.UNSATISFIED: 0.0,
    Rating.VERY_UNSATISFIED: 0.0,
}
GROUPS = {None: None, "department": "lead_department", "category": "category", "month": "month"}


@dataclass
class MetricRow:
    key: Any  # department id, category id, first day of the month, or None for all
    label: str
    registered: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    on_time_acknowledge: float | None = None  # 按时签收率
    on_time_response: float | None = None  # 按时响应率
    on_time_close: float | None = None  # 按时办结率
    solved: float | None = None  # 问题解决率
    satisfaction: float | None = None  # 满意率
    reopen: float | None = None  # 重办率
    returned: float | None = None  # 退回率
    avg_close_workdays: float | None = None
    p90_close_workdays: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__.items())


def _ratio(num: float, den: float) -> float | None:
    return round(num / den, 4) if den else None


def satisfaction_weights() -> dict[str, float]:
    return {**DEFAULT_WEIGHTS, **getattr(settings, "APPEAL_SATISFACTION_WEIGHTS", {})}


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=CHINA),
        dt.datetime.combine(end, dt.time(), tzinfo=CHINA),
    )


def _appeals(start: dt.date, end: dt.date, division: Organisation | None) -> QuerySet[Appeal]:
    lo, hi = _bounds(start, end)
    qs = Appeal.objects.filter(created_at__gte=lo, created_at__lt=hi)
    if division is not None:
        qs = qs.filter(division__path__startswith=division.path)
    return qs


def _group_expr(group_by: str | None, prefix: str = "") -> Any:
    if group_by == "month":
        return TruncMonth(f"{prefix}created_at", tzinfo=CHINA)
    return F(f"{prefix}{GROUPS[group_by]}")


def _run(
    qs: QuerySet[Any],
    group_by: str | None,
    *,
    prefix: str = "",
    extra: tuple[str, ...] = (),
    **aggregates: Any,
) -> list[dict[str, Any]]:
    """GROUP BY the group key (and `extra` annotations already on qs); rows carry "g"."""
    if group_by is None and not extra:
        row = qs.aggregate(**aggregates)
        return [{"g": None, **row}] if row else []
    if group_by is None:
        return [{"g": None, **r} for r in qs.values(*extra).annotate(**aggregates)]
    grouped = qs.annotate(g=_group_expr(group_by, prefix)).values("g", *extra)
    return list(grouped.annotate(**aggregates))


def compute(
    start: dt.date,
    end: dt.date,
    *,
    group_by: str | None = None,
    division: Organisation | None = None,
    weights: Mapping[str, float] | None = None,
    now: dt.datetime | None = None,
) -> list[MetricRow]:
    if group_by not in GROUPS:
        raise ValueError(f"group_by must be one of {list(GROUPS)}")
    now = now or timezone.now()
    weights = {**satisfaction_weights(), **(weights or {})}
    appeals = _appeals(start, end, division)
    closed = Q(status=Status.CLOSED)
    weighted = Sum(
        Case(
            *[When(rating=r, then=Value(float(w))) for r, w in weights.items()],
            default=Value(0.0),
            output_field=FloatField(),
        )
    )
    aggregates: dict[str, Any] = {
        "n_registered": Count("id"),
        "n_ack_on_time": Count("id", filter=Q(ack_on_time=True)),
        "n_ack_late": Count("id", filter=Q(ack_on_time=False)),
        "n_contact_on_time": Count("id", filter=Q(contact_on_time=True)),
        "n_contact_late": Count("id", filter=Q(contact_on_time=False)),
        "n_closed": Count("id", filter=closed),
        "n_closed_on_time": Count("id", filter=closed & Q(closed_on_time=True)),
        "n_called_back": Count("id", filter=Q(callback_solved__isnull=False)),
        "n_solved": Count("id", filter=Q(callback_solved=True)),
        "n_rated": Count("id", filter=~Q(rating="")),
        "n_satisfied_weighted": weighted,
        "n_replied": Count("id", filter=Q(replied_at__isnull=False)),
        "n_reopened": Count("id", filter=Q(reopen_count__gt=0)),
        "n_led": Count("id", filter=Q(lead_department__isnull=False)),
        "n_returns": Sum("return_count"),
    }
    # One pass, grouped also by close_workdays (a small integer): the average and the
    # 90th percentile come from that histogram, so nothing is sorted.
    rows: dict[Any, dict[str, Any]] = {}
    histograms: dict[Any, dict[int, int]] = defaultdict(dict)
    for part in _run(appeals, group_by, extra=("close_workdays",), **aggregates):
        row = rows.setdefault(part["g"], defaultdict(float))
        for key, value in part.items():
            if key.startswith("n_"):
                row[key] += value or 0
        if part["close_workdays"] is not None and part["n_closed"]:
            histograms[part["g"]][part["close_workdays"]] = part["n_closed"]
    overdue = _open_overdue(start, end, division, group_by, now)
    returned = _returned_by_department(start, end, division) if group_by == "department" else {}
    keys = set(rows) | set(overdue) | set(returned)
    labels = _labels(group_by, keys)
    result = []
    for key in sorted(keys, key=lambda k: (k is None, str(k))):
        r = rows.get(key, {})
        od = overdue.get(key, {})
        counts = {
            k: int(r.get(f"n_{k}") or 0)
            for k in (
                "ack_on_time",
                "ack_late",
                "contact_on_time",
                "contact_late",
                "closed",
                "closed_on_time",
                "called_back",
                "solved",
                "rated",
                "replied",
                "reopened",
            )
        }
        if group_by == "department":
            lead_returned = returned.get(key, 0)
            lead_total = int(r.get("n_led") or 0) + lead_returned
        else:
            lead_returned = int(r.get("n_returns") or 0)
            lead_total = int(r.get("n_led") or 0) + lead_returned
        counts.update(
            open_ack_overdue=od.get("acknowledge", 0),
            open_contact_overdue=od.get("contact", 0),
            open_close_overdue=od.get("close", 0),
            lead_assignments=lead_total,
            lead_returned=lead_returned,
        )
        avg, p90 = _avg_p90(histograms.get(key, {}))
        result.append(
            MetricRow(
                key=key.date() if isinstance(key, dt.datetime) else key,
                label=labels.get(key, "全部" if group_by is None else "未指定"),
                registered=int(r.get("n_registered") or 0),
                counts=counts,
                on_time_acknowledge=_ratio(
                    counts["ack_on_time"],
                    counts["ack_on_time"] + counts["ack_late"] + counts["open_ack_overdue"],
                ),
                on_time_response=_ratio(
                    counts["contact_on_time"],
                    counts["contact_on_time"]
                    + counts["contact_late"]
                    + counts["open_contact_overdue"],
                ),
                on_time_close=_ratio(
                    counts["closed_on_time"], counts["closed"] + counts["open_close_overdue"]
                ),
                solved=_ratio(counts["solved"], counts["called_back"]),
                satisfaction=_ratio(float(r.get("n_satisfied_weighted") or 0), counts["rated"]),
                reopen=_ratio(counts["reopened"], counts["replied"]),
                returned=_ratio(lead_returned, lead_total),
                avg_close_workdays=avg,
                p90_close_workdays=p90,
            )
        )
    return result


def summary(start: dt.date, end: dt.date, **kwargs: Any) -> MetricRow:
    rows = compute(start, end, **kwargs)
    return rows[0] if rows else MetricRow(key=None, label="全部")


def _avg_p90(histogram: dict[int, int]) -> tuple[float | None, float | None]:
    """Mean and 90th percentile (linear interpolation, as percentile_cont) of a histogram."""
    total = sum(histogram.values())
    if not total:
        return None, None
    values = sorted(histogram)
    mean = round(sum(v * n for v, n in histogram.items()) / total, 2)
    position = 0.9 * (total - 1)

    def nth(index: int) -> int:
        seen = 0
        for value in values:
            seen += histogram[value]
            if index < seen:
                return value
        return values[-1]

    low = int(position)
    low_value, high_value = nth(low), nth(min(low + 1, total - 1))
    return mean, round(low_value + (high_value - low_value) * (position - low), 2)


def _open_overdue(
    start: dt.date,
    end: dt.date,
    division: Organisation | None,
    group_by: str | None,
    now: dt.datetime,
) -> dict[Any, dict[str, int]]:
    """Appeals with a running (not paused) clock past its due time, per clock family.
    Only open appeals have running clocks, so this reads the small partial index first
    and then just those appeals."""
    running = Clock.objects.filter(
        stopped_at__isnull=True, paused_at__isnull=True, due_at__lt=now
    ).values_list("appeal_id", "kind")
    families: dict[int, set[str]] = defaultdict(set)
    for appeal_id, kind in running:
        families[appeal_id].add(kind if kind in ("acknowledge", "contact") else "close")
    result: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if not families:
        return result
    appeals = _appeals(start, end, division).filter(pk__in=list(families))
    if group_by is None:
        pairs = [(pk, None) for pk in appeals.values_list("pk", flat=True)]
    else:
        pairs = list(appeals.annotate(g=_group_expr(group_by)).values_list("pk", "g"))
    for pk, key in pairs:
        for family in families[pk]:
            result[key][family] += 1
    return result


def _returned_by_department(
    start: dt.date, end: dt.date, division: Organisation | None
) -> dict[Any, int]:
    """Returned lead assignments per department that returned them (few rows: a partial
    index holds only returned assignments)."""
    lo, hi = _bounds(start, end)
    qs = Assignment.objects.filter(
        role=Assignment.Role.LEAD,
        state=Assignment.State.RETURNED,
        appeal__created_at__gte=lo,
        appeal__created_at__lt=hi,
    )
    if division is not None:
        qs = qs.filter(appeal__division__path__startswith=division.path)
    return {
        row["department_id"]: row["n"] for row in qs.values("department_id").annotate(n=Count("id"))
    }


def _labels(group_by: str | None, keys: set[Any]) -> dict[Any, str]:
    if group_by == "department":
        orgs = Organisation.objects.in_bulk([k for k in keys if k is not None])
        return {k: o.name for k, o in orgs.items()}
    if group_by == "category":
        cats = Category.objects.in_bulk([k for k in keys if k is not None])
        return {k: c.name for k, c in cats.items()}
    if group_by == "month":
        return {k: f"{k:%Y-%m}" for k in keys if k is not None}
    return dict.fromkeys(keys, "全部")
