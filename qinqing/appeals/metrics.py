"""Appeal figures per department, category or month, computed from the parts and
filters of the figure registry (qinqing/appeals/figures.py; docs/figures.md), so these
numbers are the cockpit's and the assessment's.

    compute(start, end, *, group_by=None|"department"|"category"|"month",
            division=None, weights=None, now=None) -> list[MetricRow]

`start`/`end` are dates (end exclusive); an appeal belongs to the period in which it was
registered. One aggregate pass over the period's appeals (grouped also by the small
integer close_workdays, so the average and P90 come from a histogram) and one over the
lead assignments.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from qinqing.accounts.models import Organisation
from qinqing.appeals.figures import RATING_PARTS, satisfaction_weights
from qinqing.appeals.models import Category
from qinqing.core import figures as registry
from qinqing.workdays.calendar import CHINA

__all__ = ["GROUPS", "MetricRow", "compute", "satisfaction_weights", "summary"]

GROUPS = {None: None, "department": "lead_department", "category": "category", "month": "month"}
# MetricRow attribute -> registered figure
RATES = {
    "on_time_acknowledge": "appeal_ack_on_time_rate",  # 按时签收率
    "on_time_response": "appeal_response_on_time_rate",  # 按时响应率
    "on_time_close": "appeal_close_on_time_rate",  # 按时办结率
    "solved": "appeal_solved_rate",  # 问题解决率
    "satisfaction": "appeal_satisfied_rate",  # 满意率
    "reopen": "appeal_reopen_rate",  # 重办率
}


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


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=CHINA),
        dt.datetime.combine(end, dt.time(), tzinfo=CHINA),
    )


def _group_expr(group_by: str | None, prefix: str = "") -> Any:
    if group_by == "month":
        return TruncMonth(f"{prefix}created_at", tzinfo=CHINA)
    return F(f"{prefix}{GROUPS[group_by]}")


def _grouped(
    population: str,
    qs: QuerySet[Any],
    group_by: str | None,
    now: dt.datetime,
    *,
    prefix: str = "",
    extra: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    if group_by is not None:
        qs = qs.annotate(g=_group_expr(group_by, prefix))
    values = (*(("g",) if group_by is not None else ()), *extra)
    rows = registry.part_counts(population, qs, now=now, values=values)
    return [{"g": row.get("g"), **row} for row in rows]


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
    lo, hi = _bounds(start, end)
    appeals = registry.population("appeals").in_period(lo, hi)
    assignments = registry.population("lead_assignments").in_period(lo, hi)
    if division is not None:
        appeals = appeals.filter(division__path__startswith=division.path)
        assignments = assignments.filter(appeal__division__path__startswith=division.path)
    parts: dict[Any, dict[str, int]] = defaultdict(dict)
    histograms: dict[Any, dict[int, int]] = defaultdict(dict)
    for row in _grouped("appeals", appeals, group_by, now, extra=("close_workdays",)):
        registry.add_parts(parts[row["g"]], row["parts"])
        if row["close_workdays"] is not None and row["parts"]["closed"]:
            histograms[row["g"]][row["close_workdays"]] = row["parts"]["closed"]
    lead: dict[Any, dict[str, int]] = defaultdict(dict)
    if group_by == "department":
        rows = registry.part_counts(
            "lead_assignments", assignments, now=now, values=["department_id"]
        )
        for row in rows:
            registry.add_parts(lead[row["department_id"]], row["parts"])
    else:
        for row in _grouped("lead_assignments", assignments, group_by, now, prefix="appeal__"):
            registry.add_parts(lead[row["g"]], row["parts"])
    weighted = {RATING_PARTS[level]: w for level, w in (weights or {}).items()}
    keys = set(parts) | set(lead)
    labels = _labels(group_by, keys)
    result = []
    for key in sorted(keys, key=lambda k: (k is None, str(k))):
        p = parts.get(key, {})
        counts = {
            "ack_on_time": p.get("ack_on_time", 0),
            "ack_late": p.get("ack_late", 0),
            "contact_on_time": p.get("contact_on_time", 0),
            "contact_late": p.get("contact_late", 0),
            "closed": p.get("closed", 0),
            "closed_on_time": p.get("closed_on_time", 0),
            "called_back": p.get("called_back", 0),
            "solved": p.get("solved", 0),
            "rated": sum(p.get(part, 0) for part in RATING_PARTS.values()),
            "replied": p.get("replied", 0),
            "reopened": p.get("reopened", 0),
            "open_ack_overdue": p.get("ack_open_overdue", 0),
            "open_contact_overdue": p.get("contact_open_overdue", 0),
            "open_close_overdue": p.get("close_open_overdue", 0),
            "lead_assignments": lead.get(key, {}).get("assigned", 0),
            "lead_returned": lead.get(key, {}).get("returned", 0),
        }
        rates = {
            attr: registry.figure(name).value(
                p, weights=weighted if name == "appeal_satisfied_rate" else None
            )
            for attr, name in RATES.items()
        }
        avg, p90 = _avg_p90(histograms.get(key, {}))
        result.append(
            MetricRow(
                key=key.date() if isinstance(key, dt.datetime) else key,
                label=labels.get(key, "全部" if group_by is None else "未指定"),
                registered=p.get("received", 0),
                counts=counts,
                returned=registry.figure("appeal_return_rate").value(lead.get(key, {})),
                avg_close_workdays=avg,
                p90_close_workdays=p90,
                **rates,
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
