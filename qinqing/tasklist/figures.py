"""The task list's per-unit figures, registered with core.figures (the cockpit and the
assessment read them by name):

- task_on_time_rate (任务按期完成率): of the tasks a unit is responsible for (lead or other
  responsible unit, cancelled tasks left out) whose deadline falls in the period, the
  share completed by the deadline;
- finding_rectified_on_time_rate (巡察督查问题按期整改率): of the findings against the unit
  whose rectification deadline falls in the period, the share whose accepted
  rectification was submitted by the deadline.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import urlencode

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from qinqing.tasklist.models import Finding, FindingStatus, Task, TaskStatus


def _ratio(top: dict[int, int], bottom: dict[int, int]) -> dict[int, float | None]:
    return {k: round(top.get(k, 0) / n, 4) for k, n in bottom.items() if n}


def task_on_time_by_unit(
    unit_ids: Iterable[int], start: dt.datetime, end: dt.datetime
) -> dict[int, float | None]:
    ids = list(unit_ids)
    tasks = Task.objects.exclude(status=TaskStatus.CANCELLED).filter(
        due_at__gte=start, due_at__lt=end
    )
    due: dict[int, int] = defaultdict(int)
    on_time: dict[int, int] = defaultdict(int)
    rows = list(
        tasks.filter(lead_unit_id__in=ids).values_list(
            "pk", "lead_unit_id", "completed_at", "due_at"
        )
    ) + list(
        tasks.filter(units__in=ids)
        .exclude(lead_unit_id=F("units"))
        .values_list("pk", "units", "completed_at", "due_at")
    )
    for _pk, unit, completed_at, due_at in set(rows):
        due[unit] += 1
        if completed_at is not None and completed_at <= due_at:
            on_time[unit] += 1
    return _ratio(on_time, due)


def finding_on_time_by_unit(
    unit_ids: Iterable[int], start: dt.datetime, end: dt.datetime
) -> dict[int, float | None]:
    rows = Finding.objects.filter(
        organisation_id__in=list(unit_ids), due_at__gte=start, due_at__lt=end
    ).values_list("organisation_id", "status", "rectified_at", "due_at")
    due: dict[int, int] = defaultdict(int)
    on_time: dict[int, int] = defaultdict(int)
    for unit, status, rectified_at, due_at in rows:
        due[unit] += 1
        if status == FindingStatus.ACCEPTED and rectified_at is not None and rectified_at <= due_at:
            on_time[unit] += 1
    return _ratio(on_time, due)


def _days(start: dt.datetime, end: dt.datetime) -> dict[str, str]:
    last = timezone.localtime(end - dt.timedelta(microseconds=1)).date()
    return {"due_from": timezone.localtime(start).date().isoformat(), "due_to": last.isoformat()}


def tasks_drill(unit_id: int, start: dt.datetime, end: dt.datetime) -> str:
    query = {"unit": str(unit_id), **_days(start, end)}
    return f"{reverse('tasklist:tasks')}?{urlencode(query)}"


def findings_drill(unit_id: int, start: dt.datetime, end: dt.datetime) -> str:
    query = {"unit": str(unit_id), **_days(start, end)}
    return f"{reverse('tasklist:findings')}?{urlencode(query)}"


def due_between(field: str, due_from: dt.date | None, due_to: dt.date | None) -> Q:
    """The rows a drill-down lists: `field` (a deadline) within the days, inclusive."""
    condition = Q()
    tz = timezone.get_current_timezone()
    if due_from is not None:
        condition &= Q(**{f"{field}__gte": dt.datetime.combine(due_from, dt.time(0), tzinfo=tz)})
    if due_to is not None:
        after = dt.datetime.combine(due_to + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
        condition &= Q(**{f"{field}__lt": after})
    return condition


def cockpit_summary(year: int | None = None) -> dict[str, int]:
    """The cockpit's task-list line: this year's tasks, done, overdue; findings open.
    Two aggregate queries."""
    now = timezone.now()
    year = year or timezone.localdate(now).year
    counts = (
        Task.objects.filter(indicator__year=year)
        .exclude(status=TaskStatus.CANCELLED)
        .aggregate(
            tasks=Count("pk"),
            done=Count("pk", filter=Q(status=TaskStatus.DONE)),
            overdue=Count("pk", filter=Q(status=TaskStatus.ACTIVE, due_at__lt=now)),
        )
    )
    counts["findings_open"] = Finding.objects.exclude(status=FindingStatus.ACCEPTED).count()
    return counts
