"""The database-backed calendar: administrators' entries win, unknown years are visible."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from qinqing.workdays.calendar import CHINA
from qinqing.workdays.models import CalendarYear, DayOverride, FallbackUse
from qinqing.workdays.services import deadline_after, get_calendar, pending_fallback_years

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue()


def test_an_administrator_entry_takes_effect_at_once() -> None:
    assert get_calendar().is_workday(dt.date(2026, 11, 23))
    DayOverride.objects.create(date=dt.date(2026, 11, 23), is_workday=False, note="临时休息")
    assert not get_calendar().is_workday(dt.date(2026, 11, 23))


def test_a_completed_year_stops_the_fallback() -> None:
    start = dt.datetime(2026, 12, 29, 10, 0, tzinfo=CHINA)
    deadline_after(start, 5)
    assert [f.year for f in pending_fallback_years()] == [2027]
    assert FallbackUse.objects.get(year=2027).count == 1
    DayOverride.objects.create(date=dt.date(2027, 1, 4), is_workday=False, note="元旦调整（示例）")
    CalendarYear.objects.create(year=2027, is_complete=True)
    assert pending_fallback_years() == []
    # the entered rest day now moves the deadline by one working day
    assert deadline_after(start, 5) == dt.datetime(2027, 1, 6, 23, 59, 59, 999999, tzinfo=CHINA)


def test_command_check_explains_a_make_up_day() -> None:
    assert (
        run("check", "2026-02-14")
        == "2026-02-14: 工作日 — 星期六，春节调休上班（国务院放假安排）\n"
    )


def test_command_add_gives_the_deadline() -> None:
    out = run("add", "2026-09-30 16:00", "3")
    assert "2026-10-10 23:59:59" in out


def test_command_refuses_an_unknown_year_clearly() -> None:
    with pytest.raises(CommandError, match="2027 年的节假日安排尚未录入"):
        run("add", "2026-12-30 10:00", "5")
    assert "已按周末规则估算" in run("add", "2026-12-30 10:00", "5", "--fallback")


def test_command_rejects_bad_input_with_the_reason() -> None:
    with pytest.raises(CommandError, match="无法识别的时间"):
        run("add", "next monday", "3")
    with pytest.raises(CommandError, match="不能为负数"):
        run("add", "2026-09-30 16:00", "-1")


def test_command_lists_a_years_exceptions() -> None:
    out = run("year", "2026")
    assert "2026-02-14 上班" in out
    assert "2026-10-01 休息" in out


def test_administrators_can_enter_a_new_year_from_the_shell() -> None:
    run("set", "2027-02-06", "work", "--note", "春节调休")
    run("complete", "2027")
    assert "工作日" in run("check", "2027-02-06")
