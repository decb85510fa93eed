"""The cockpit's figures, rolled up by day from the figure registry (qinqing/core/figures.py).

`refresh_figure_rollup(day_from, day_to)` counts every part of every registered
population per day, division and department (FigureDaily rows, parts as JSON, so a new
figure needs no new column and the satisfaction weights apply to per-level counts the
same way as everywhere else). `figure_values(scope, start, end)` sums the parts of the
scope and applies each Figure's own formula: the cockpit can therefore never compute a
rate differently from the appeals metrics, the ratings pages or the assessment.
"""

import datetime as dt
from collections import defaultdict
from typing import Any, Protocol

from django.db import transaction
from django.db.models.functions import TruncDate
from django.utils import timezone

from qinqing.analytics.models import FigureDaily
from qinqing.core import figures as registry


class ScopeLike(Protocol):
    full: bool
    division_ids: set[int] | None
    department_ids: set[int] | None


def _bounds(day_from: dt.date, day_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(day_from, dt.time.min, tz),
        dt.datetime.combine(day_to + dt.timedelta(days=1), dt.time.min, tz),
    )


def refresh_figure_rollup(
    day_from: dt.date, day_to: dt.date, *, now: dt.datetime | None = None
) -> int:
    """Rebuild the FigureDaily rows of [day_from, day_to]; "open" and "overdue" parts are
    as of `now` (the refresh)."""
    now = now or timezone.now()
    start, end = _bounds(day_from, day_to)
    tz = timezone.get_current_timezone()
    rows: list[FigureDaily] = []
    for pop in registry.populations():
        division = pop.groups.get("division")
        department = pop.groups.get("department")
        values = ["day", *(c for c in (division, department) if c)]
        qs = pop.in_period(start, end).annotate(day=TruncDate(pop.period_field, tzinfo=tz))
        for row in registry.part_counts(pop.name, qs, now=now, values=values):
            rows.append(
                FigureDaily(
                    population=pop.name,
                    day=row["day"],
                    division_id=row[division] if division else None,
                    department_id=row[department] if department else None,
                    parts=row["parts"],
                )
            )
    with transaction.atomic():
        FigureDaily.objects.filter(day__gte=day_from, day__lte=day_to).delete()
        FigureDaily.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _scoped(scope: ScopeLike, start: dt.date, end: dt.date) -> Any:
    qs = FigureDaily.objects.filter(day__gte=start, day__lte=end)
    if scope.full and scope.division_ids is not None:
        # populations grouped by division by their division; the others (ratings,
        # services) by the departments of the scope, as the ratings pages scope them
        from django.db.models import Q

        by_division = Q(division_id__in=scope.division_ids)
        no_division = Q(division_id__isnull=True)
        if scope.department_ids is not None:
            no_division &= Q(department_id__in=scope.department_ids)
        qs = qs.filter(by_division | no_division)
    elif not scope.full:
        qs = qs.filter(department_id__in=scope.department_ids or set())
    return qs


def figure_values(scope: ScopeLike, start: dt.date, end: dt.date) -> dict[str, Any]:
    """{"totals": {figure: value}, "parts": {population: {part: n}},
    "by_department": {department id: {figure: value}}, "by_month": {"YYYY-MM": {...}}}
    for the days [start, end] inclusive."""
    totals: dict[str, dict[str, int]] = defaultdict(dict)
    by_department: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    by_month: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    rows = _scoped(scope, start, end).values_list("population", "day", "department_id", "parts")
    for population, day, department_id, parts in rows.iterator(chunk_size=5000):
        registry.add_parts(totals[population], parts)
        if department_id is not None:
            registry.add_parts(by_department[department_id][population], parts)
        registry.add_parts(by_month[f"{day:%Y-%m}"][population], parts)

    def values(counted: dict[str, dict[str, int]]) -> dict[str, Any]:
        return {f.name: f.value(counted.get(f.population, {})) for f in registry.all_figures()}

    return {
        "totals": values(totals),
        "parts": {k: dict(v) for k, v in totals.items()},
        "by_department": {pk: values(parts) for pk, parts in by_department.items()},
        "by_month": {month: values(parts) for month, parts in sorted(by_month.items())},
    }


# Where each population's rows are listed; the list applies the figure's own filter.
LIST_PAGES = {
    "appeals": "appeals:ledger",
    "ratings": "ratings:list",
    "service_events": "ratings:services",
}
BAD_FIGURES = {"appeal_overdue", "rating_bad"}


def drill_link(name: str, start: dt.date, end: dt.date, division: Any = None) -> str:
    """The list behind a figure's number for the days [start, end]: same population,
    period and filter (?figure=<name>), so it has exactly that many rows."""
    from urllib.parse import urlencode

    from django.urls import NoReverseMatch, reverse

    fig = registry.figure(name)
    page = LIST_PAGES.get(fig.population)
    if page is None:
        return ""
    try:
        base = reverse(page)
    except NoReverseMatch:
        return ""
    params = {"figure": name, "start": start.isoformat(), "end": end.isoformat()}
    if division is not None and fig.population == "appeals":
        params["division"] = str(division.pk)
    return f"{base}?{urlencode(params)}"


def cockpit_kpis(
    values: dict[str, Any], start: dt.date, end: dt.date, division: Any = None
) -> list[dict[str, Any]]:
    """The cockpit's headline numbers: every figure registered with cockpit=True."""
    return [
        {
            "name": fig.name,
            "label": fig.label,
            "definition": fig.definition,
            "value": values["totals"].get(fig.name),
            "is_count": fig.is_count,
            "href": drill_link(fig.name, start, end, division),
            "tone": "bad" if fig.name in BAD_FIGURES else "",
        }
        for fig in registry.cockpit_figures()
    ]
