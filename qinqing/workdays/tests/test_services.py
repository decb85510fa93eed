"""The database-backed calendar: administrators' entries win, unknown years are visible."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from qinqing.workdays.calendar import CHINA
from qinqing.workdays.models import DayOverride, FallbackUse
from qinqing.workdays.services import (
    deadline_after,
    get_calendar,
    mark_year_complete,
    pending_fallback_years,
    set_day,
)

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue()


def test_an_administrator_entry_takes_effect_at_once() -> None:
    """The calendar is kept per process; the service that changes it drops the copy."""
    assert get_calendar().is_workday(dt.date(2026, 11, 23))
    set_day(dt.date(2026, 11, 23), is_workday=False, note="临时休息")
    assert not get_calendar().is_workday(dt.date(2026, 11, 23))


def test_the_kept_calendar_costs_no_query_and_a_committed_change_reaches_it(
    django_assert_num_queries, django_capture_on_commit_callbacks
) -> None:
    get_calendar()
    with django_assert_num_queries(0):
        get_calendar().is_workday(dt.date(2026, 11, 23))
    with django_capture_on_commit_callbacks(execute=True):
        set_day(dt.date(2026, 11, 24), is_workday=False, note="临时休息")
    assert not get_calendar().is_workday(dt.date(2026, 11, 24))
    with django_assert_num_queries(0):
        get_calendar()


def test_another_process_sees_a_change_within_the_recheck_interval(monkeypatch) -> None:
    """A change made elsewhere (another process: simulated by writing the rows without
    the service) is seen once the copy is older than RECHECK_SECONDS."""
    from qinqing.workdays import services

    get_calendar()
    DayOverride.objects.create(date=dt.date(2026, 11, 25), is_workday=False, note="临时休息")
    assert get_calendar().is_workday(dt.date(2026, 11, 25))  # the kept copy
    later = services.time.monotonic() + services.RECHECK_SECONDS + 1
    monkeypatch.setattr(services.time, "monotonic", lambda: later)
    assert not get_calendar().is_workday(dt.date(2026, 11, 25))


def test_a_completed_year_stops_the_fallback() -> None:
    start = dt.datetime(2026, 12, 29, 10, 0, tzinfo=CHINA)
    deadline_after(start, 5)
    assert [f.year for f in pending_fallback_years()] == [2027]
    assert FallbackUse.objects.get(year=2027).count == 1
    set_day(dt.date(2027, 1, 4), is_workday=False, note="元旦调整（示例）")
    mark_year_complete(2027)
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
