"""Frozen monthly sheets: late data does not move them, a correction is a new version,
earlier versions stay, and the monthly task freezes once."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from qinqing.appeals.models import Appeal
from qinqing.assessment import freezing, scoring, selectors
from qinqing.assessment.models import ScoreSheet, SheetLine, SheetUnit
from qinqing.core.models import AppendOnlyError

MARCH = dt.date(2026, 3, 1)
IN_MARCH = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)
APRIL_8 = dt.datetime(2026, 4, 8, 2, 0, tzinfo=dt.UTC)
APRIL_20 = dt.datetime(2026, 4, 20, 2, 0, tzinfo=dt.UTC)


def _appeal(n, district, rating):
    return Appeal.objects.create(
        number=f"F{n:05d}",
        channel="phone",
        title="t",
        description="d",
        requester_name="张三",
        requester_phone="13800000000",
        division=district.street,
        lead_department=district.dept,
        status="closed",
        rating=rating,
        closed_on_time=True,
    )


@pytest.fixture
def march(district):
    with time_machine.travel(IN_MARCH, tick=False):
        _appeal(1, district, "satisfied")
        _appeal(2, district, "unsatisfied")
    return district


def _base_points(scheme, sheet, org):
    (result,) = selectors.sheet_results(sheet, {org.pk})
    return next(line.points for line in result.lines if line.indicator.code == "Y01")


def test_late_data_leaves_the_frozen_month_alone_and_a_correction_takes_it(
    march, yongchuan_scheme, supervisor
):
    scheme = yongchuan_scheme
    with time_machine.travel(APRIL_8, tick=False):
        first = freezing.freeze_month(scheme, month=MARCH, actor=supervisor)
    assert first.version == 1 and _base_points(scheme, first, march.dept) == Decimal("50.00")
    with time_machine.travel(IN_MARCH, tick=False):  # a rating arrives late, dated in March
        _appeal(3, march, "very_satisfied")
    with time_machine.travel(APRIL_20, tick=False):
        period = scoring.Period.month(2026, 3)
        shown = selectors.standing(scheme, period, [march.dept, march.other_dept])
        assert shown.sheet == first
        dept = next(r for r in shown.results if r.department == march.dept)
        assert dept.lines[0].points == Decimal("50.00")  # still 100 × 1/2
        live = scoring.score(scheme, [march.dept], period)[0].lines[0].points
        assert live == Decimal("66.67")  # what the data says now: 2/3
        with pytest.raises(ValidationError) as exc:
            freezing.correct_month(scheme, month=MARCH, actor=supervisor, reason="  ")
        assert "原因" in exc.value.message_dict["reason"][0]
        second = freezing.correct_month(
            scheme, month=MARCH, actor=supervisor, reason="补录一件诉求的评价"
        )
    assert second.version == 2 and second.reason == "补录一件诉求的评价"
    assert _base_points(scheme, second, march.dept) == Decimal("66.67")
    assert _base_points(scheme, first, march.dept) == Decimal("50.00")  # kept as it was
    assert selectors.sheet_for(scheme, MARCH) == second
    assert selectors.sheet_for(scheme, MARCH, 1) == first


def test_freezing_twice_or_the_open_month_is_refused(march, yongchuan_scheme, supervisor):
    with time_machine.travel(IN_MARCH, tick=False), pytest.raises(ValidationError) as exc:
        freezing.freeze_month(yongchuan_scheme, month=MARCH, actor=supervisor)
    assert "尚未结束" in exc.value.message_dict["month"][0]
    with time_machine.travel(APRIL_8, tick=False):
        freezing.freeze_month(yongchuan_scheme, month=MARCH, actor=supervisor)
        with pytest.raises(ValidationError) as exc:
            freezing.freeze_month(yongchuan_scheme, month=MARCH, actor=supervisor)
    assert "已冻结" in exc.value.message_dict["month"][0]
    with pytest.raises(ValidationError):
        freezing.correct_month(
            yongchuan_scheme, month=dt.date(2026, 2, 1), actor=supervisor, reason="x"
        )


def test_frozen_rows_cannot_be_changed(march, yongchuan_scheme, supervisor):
    with time_machine.travel(APRIL_8, tick=False):
        sheet = freezing.freeze_month(yongchuan_scheme, month=MARCH, actor=supervisor)
    line = SheetLine.objects.filter(unit__sheet=sheet).first()
    assert line is not None
    line.points = Decimal(100)
    with pytest.raises(AppendOnlyError):
        line.save()
    with pytest.raises(AppendOnlyError):
        sheet.delete()
    if connection.vendor == "postgresql":  # the trigger refuses a bulk rewrite too
        rewrites = [
            (SheetLine.objects.filter(pk=line.pk), {"points": 1}),
            (SheetUnit.objects.filter(sheet=sheet), {"total": 1}),
            (ScoreSheet.objects.filter(pk=sheet.pk), {"reason": "改"}),
        ]
        for qs, values in rewrites:
            with pytest.raises(DatabaseError), transaction.atomic():
                qs.update(**values)


def test_the_monthly_task_freezes_last_month_after_the_fifth_working_day_once(
    march, yongchuan_scheme, luohe_scheme
):
    # April 2026: the 1st is a Wednesday; Qingming is 4–6 April, so the 5th working day
    # is the 8th (1, 2, 3, 7, 8)
    assert freezing.freeze_due_day(MARCH) == dt.date(2026, 4, 8)
    with time_machine.travel(APRIL_8, tick=False):
        assert freezing.freeze_due_months() == []
    with time_machine.travel(APRIL_20, tick=False):
        frozen = freezing.freeze_due_months()
        assert {s.scheme for s in frozen} == {yongchuan_scheme, luohe_scheme}
        assert freezing.freeze_due_months() == []  # safe to run twice
    assert ScoreSheet.objects.filter(period=MARCH).count() == 2
    sheet = ScoreSheet.objects.get(scheme=yongchuan_scheme, period=MARCH)
    assert sheet.frozen_by is None and "自动冻结" in sheet.reason
    assert sheet.units.count() == 4  # two departments and two streets


def test_a_reason_with_control_characters_is_refused_in_chinese(
    march, yongchuan_scheme, supervisor
):
    with time_machine.travel(APRIL_8, tick=False):
        freezing.freeze_month(yongchuan_scheme, month=MARCH, actor=supervisor)
        with pytest.raises(ValidationError) as exc:
            freezing.correct_month(
                yongchuan_scheme, month=MARCH, actor=supervisor, reason="补录\x00评价"
            )
    assert "U+0000" in exc.value.message_dict["reason"][0]
    assert ScoreSheet.objects.count() == 1
