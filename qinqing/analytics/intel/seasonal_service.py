"""Seasonal warnings (未诉先办): topics that came back at the same time of year in past
years, raised a few weeks before their season and sent to the departments that handled
them. One warning per (kind, topic, season start): running the sweep again changes
nothing and notifies nobody twice."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from qinqing.accounts.models import Organisation, OrgKind, Role
from qinqing.accounts.permissions import has_role, is_admin, scope_filter, users_with_role
from qinqing.analytics.intel.models import SeasonalWarning
from qinqing.analytics.intel.routing import categories_by_label, route
from qinqing.analytics.ml.seasonal import DatedItem, upcoming_seasonal_warnings
from qinqing.appeals.models import Appeal, Status
from qinqing.core.notify import notify

HISTORY_YEARS = 5
LEAD_WEEKS = 4
TEXT_CHARS = 120
VIEW_ROLES = (Role.LEADER, Role.SUPERVISOR, Role.ADMIN)
DEPARTMENT_ROLES = (Role.HANDLER, Role.DEPT_HEAD)


@dataclass(frozen=True)
class _Past:
    day: dt.date
    label: str | None
    text: str
    department_id: int | None


def _history(today: dt.date, years: int) -> list[_Past]:
    since = today.replace(year=today.year - years, day=1)
    tz = timezone.get_current_timezone()
    rows = (
        Appeal.objects.filter(created_at__date__gte=since, created_at__date__lt=today)
        .exclude(status=Status.DUPLICATE)
        .values_list("created_at", "category__name", "title", "description", "lead_department_id")
        .order_by("pk")
    )
    return [
        _Past(
            created.astimezone(tz).date(),
            label,
            f"{title} {(text or '')[:TEXT_CHARS]}",
            department_id,
        )
        for created, label, title, text, department_id in rows.iterator(chunk_size=5000)
    ]


def _departments(kind: str, topic: str, months: tuple[int, ...], history: list[_Past]) -> list[int]:
    counts: Counter[int] = Counter()
    for item in history:
        if item.day.month not in months or item.department_id is None:
            continue
        if (kind == "category" and item.label == topic) or (kind == "term" and topic in item.text):
            counts[item.department_id] += 1
    found = [org for org, _ in counts.most_common(2)]
    if not found and kind == "category":
        category = categories_by_label([topic]).get(topic)
        department = route(category, None) if category else None
        found = [department.pk] if department else []
    return found


def raise_seasonal_warnings(
    today: dt.date | None = None, *, lead_weeks: int = LEAD_WEEKS, years: int = HISTORY_YEARS
) -> list[SeasonalWarning]:
    """Warnings created by this sweep (the ones already raised are left alone)."""
    today = today or timezone.localdate()
    history = _history(today, years)
    items = [DatedItem(date=p.day, topic=p.label, text=p.text) for p in history]
    created: list[SeasonalWarning] = []
    for found in upcoming_seasonal_warnings(items, today, lead_weeks):
        with transaction.atomic():
            warning, is_new = SeasonalWarning.objects.get_or_create(
                kind=found.kind,
                topic=found.topic[:100],
                season_start=found.starts_on,
                defaults={
                    "months": list(found.months),
                    "year": found.starts_on.year,
                    "years_seen": list(found.years_seen),
                    "typical_count": found.typical_count,
                },
            )
            if not is_new:
                continue
            department_ids = _departments(found.kind, found.topic, found.months, history)
            warning.departments.set(department_ids)
            _notify_departments(warning, department_ids)
            created.append(warning)
    return created


def _notify_departments(warning: SeasonalWarning, department_ids: list[int]) -> None:
    months = "、".join(f"{m}月" for m in warning.months)
    title = f"季节性预警：“{warning.topic}”类诉求往年在{months}集中出现"
    body = (
        f"往年（{'、'.join(str(y) for y in warning.years_seen)}年）这一时段"
        f"每年约 {warning.typical_count:.0f} 件，预计 {warning.season_start:%Y-%m-%d} 起进入高发期，"
        "请提前研判、主动服务（未诉先办）。"
    )
    for department in Organisation.objects.filter(pk__in=department_ids):
        people = [u for role in DEPARTMENT_ROLES for u in users_with_role(role, department)]
        notify(
            people,
            kind="seasonal_warning",
            title=title,
            body=body,
            url=reverse("analytics:seasonal_warnings"),
            dedupe_key=f"seasonal:{warning.pk}",
        )


def warnings_visible_to(user: Any) -> QuerySet[SeasonalWarning]:
    """Leaders, supervisors and admins see every warning; departments see theirs."""
    qs = SeasonalWarning.objects.prefetch_related("departments")
    if is_admin(user) or has_role(user, *VIEW_ROLES):
        return qs
    departments = Organisation.objects.filter(
        scope_filter(user, *DEPARTMENT_ROLES, field=""), kind=OrgKind.DEPARTMENT
    )
    return qs.filter(departments__in=departments).distinct()
