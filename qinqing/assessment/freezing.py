"""Freezing a month's scores (月度考核结果冻结) and correcting them as a new version.

A frozen sheet is what was published: screens and the API read it for that month, so
data that arrives late (a rating or an appeal dated in the frozen month) does not move
the published ranking. A correction recomputes the month from today's data and stores
it as the next version with its reason; every earlier version stays as it was.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from qinqing.assessment import scoring, selectors
from qinqing.assessment.models import Scheme, ScoreSheet, SheetLine, SheetUnit
from qinqing.lib.text import describe, first_control

FREEZE_AFTER_WORKING_DAYS = 5  # the month is frozen after the 5th working day of the next


def _month_start(month: dt.date) -> dt.date:
    return month.replace(day=1)


def _check_closed(month: dt.date) -> None:
    if month >= timezone.localdate().replace(day=1):
        raise ValidationError({"month": f"{month:%Y年%m月}尚未结束，不能冻结。"})


def _clean_reason(reason: str) -> str:
    reason = reason.strip()
    bad = first_control(reason)
    if bad is not None:
        raise ValidationError(
            {"reason": f"原因中含有不可见的控制字符（{describe(bad)}），请删除后重试。"}
        )
    if len(reason) > 2000:
        raise ValidationError({"reason": "原因不能超过 2000 字。"})
    return reason


def _write_sheet(
    scheme: Scheme, month: dt.date, *, version: int, actor: Any, reason: str
) -> ScoreSheet:
    period = scoring.Period.month(month.year, month.month)
    units = list(selectors.scheme_units(scheme).order_by("name"))
    results = scoring.score(scheme, units, period)
    sheet = ScoreSheet.objects.create(
        scheme=scheme, period=month, version=version, reason=reason, frozen_by=actor
    )
    for r in results:
        unit = SheetUnit.objects.create(
            sheet=sheet,
            organisation=r.department,
            unit_type=r.unit_type,
            total=r.total,
            rank=r.rank,
        )
        SheetLine.objects.bulk_create(
            SheetLine(
                unit=unit,
                indicator=line.indicator,
                value=line.value,
                points=line.points,
                how=line.how,
            )
            for line in r.lines
        )
    return sheet


def freeze_month(scheme: Scheme, *, month: dt.date, actor: Any, reason: str = "") -> ScoreSheet:
    """Freeze a finished month as version 1. Refused when it is frozen already."""
    month = _month_start(month)
    _check_closed(month)
    reason = _clean_reason(reason)
    with transaction.atomic():
        Scheme.objects.select_for_update().filter(pk=scheme.pk).first()
        if ScoreSheet.objects.filter(scheme=scheme, period=month).exists():
            raise ValidationError(
                {"month": f"{month:%Y年%m月}的考核结果已冻结；如需更正，请提交更正版本并说明原因。"}
            )
        return _write_sheet(scheme, month, version=1, actor=actor, reason=reason or "月度冻结")


def correct_month(scheme: Scheme, *, month: dt.date, actor: Any, reason: str) -> ScoreSheet:
    """A new version of a frozen month, recomputed from today's data, with its reason."""
    month = _month_start(month)
    reason = _clean_reason(reason)
    if not reason:
        raise ValidationError({"reason": "更正考核结果必须说明原因。"})
    with transaction.atomic():
        Scheme.objects.select_for_update().filter(pk=scheme.pk).first()
        latest = ScoreSheet.objects.filter(scheme=scheme, period=month).order_by("-version").first()
        if latest is None:
            raise ValidationError({"month": f"{month:%Y年%m月}尚未冻结，无需更正。"})
        return _write_sheet(scheme, month, version=latest.version + 1, actor=actor, reason=reason)


def freeze_due_day(month: dt.date) -> dt.date:
    """The day after which `month` is frozen: the 5th working day of the next month."""
    from qinqing.workdays.services import get_calendar

    calendar = get_calendar()
    nxt = (_month_start(month) + dt.timedelta(days=32)).replace(day=1)
    day, counted = nxt, 0
    while True:
        if calendar.is_workday(day, fallback=True):
            counted += 1
            if counted == FREEZE_AFTER_WORKING_DAYS:
                return day
        day += dt.timedelta(days=1)


def freeze_due_months(today: dt.date | None = None) -> list[ScoreSheet]:
    """Freeze last month under every scheme once its 5th working day is past; months
    frozen already are left alone, so running twice freezes nothing more."""
    today = today or timezone.localdate()
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    if today <= freeze_due_day(last):
        return []
    frozen = []
    for scheme in Scheme.objects.all():
        if ScoreSheet.objects.filter(scheme=scheme, period=last).exists():
            continue
        try:
            frozen.append(
                freeze_month(scheme, month=last, actor=None, reason="第五个工作日后自动冻结")
            )
        except (ValidationError, IntegrityError):
            continue  # frozen meanwhile by someone else
    return frozen
