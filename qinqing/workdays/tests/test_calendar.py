"""The working-day conventions (see qinqing/workdays/calendar.py) on the official
2024, 2025 and 2026 arrangements."""

import datetime as dt

import pytest

from qinqing.workdays.calendar import CHINA, Override, UnknownYearError, WorkCalendar


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=CHINA)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar()


@pytest.mark.parametrize(
    ("date", "is_workday"),
    [
        # 2024 Spring Festival: 2/10-2/17 off, Sunday 2/4 and Sunday 2/18 make-up days
        ("2024-02-04", True),
        ("2024-02-09", True),  # 除夕 2024 was a working day
        ("2024-02-10", False),
        ("2024-02-17", False),
        ("2024-02-18", True),
        ("2024-02-19", True),
        # 2024 National Day: 10/1-10/7 off, Sunday 9/29 and Saturday 10/12 make-up days
        ("2024-09-29", True),
        ("2024-10-01", False),
        ("2024-10-07", False),
        ("2024-10-08", True),
        ("2024-10-12", True),
        # 2025 Spring Festival: 1/28-2/4 off, Sunday 1/26 and Saturday 2/8 make-up days
        ("2025-01-26", True),
        ("2025-01-28", False),
        ("2025-02-04", False),
        ("2025-02-05", True),
        ("2025-02-08", True),
        # 2025 National Day and Mid-autumn: 10/1-10/8 off, Sunday 9/28 and Saturday 10/11 make-up
        ("2025-09-28", True),
        ("2025-10-08", False),
        ("2025-10-09", True),
        ("2025-10-11", True),
        # 2026 Spring Festival: 2/15-2/23 off, Saturday 2/14 and Saturday 2/28 make-up days
        ("2026-02-14", True),
        ("2026-02-15", False),
        ("2026-02-23", False),
        ("2026-02-24", True),
        ("2026-02-28", True),
        # 2026 National Day: 10/1-10/7 off, Sunday 9/20 and Saturday 10/10 make-up days
        ("2026-09-20", True),
        ("2026-10-01", False),
        ("2026-10-07", False),
        ("2026-10-08", True),
        ("2026-10-10", True),
        # ordinary weekend and weekday
        ("2026-11-21", False),
        ("2026-11-23", True),
    ],
)
def test_official_arrangement_including_make_up_days(
    cal: WorkCalendar, date: str, is_workday: bool
) -> None:
    assert cal.is_workday(day(date)) is is_workday


def test_explanation_names_the_festival_and_the_make_up_day(cal: WorkCalendar) -> None:
    assert "春节调休上班" in cal.explain(day("2026-02-14")).reason
    assert "春节放假" in cal.explain(day("2026-02-16")).reason
    assert "国庆节放假" in cal.explain(day("2026-10-02")).reason


def test_day_of_receipt_is_not_counted(cal: WorkCalendar) -> None:
    # Monday 10:00 with 3 working days: Tue, Wed, Thu -> Thursday at the close of day
    assert cal.add_working_days(at("2026-11-23 10:00"), 3) == at("2026-11-26 23:59:59.999999")


def test_after_office_hours_counts_from_the_next_working_day(cal: WorkCalendar) -> None:
    # Monday 18:00 is received Tuesday, so 3 working days end on Friday
    assert cal.receipt_day(at("2026-11-23 18:00")) == day("2026-11-24")
    assert cal.add_working_days(at("2026-11-23 18:00"), 3) == at("2026-11-27 23:59:59.999999")


def test_office_close_is_the_boundary(cal: WorkCalendar) -> None:
    assert cal.receipt_day(at("2026-11-23 17:29")) == day("2026-11-23")
    assert cal.receipt_day(at("2026-11-23 17:30")) == day("2026-11-24")


def test_received_on_a_weekend_counts_from_monday(cal: WorkCalendar) -> None:
    # Saturday: received Monday 11/23; 1 working day -> Tuesday
    assert cal.add_working_days(at("2026-11-21 09:00"), 1) == at("2026-11-24 23:59:59.999999")


def test_zero_days_means_by_the_end_of_the_day_of_receipt(cal: WorkCalendar) -> None:
    assert cal.add_working_days(at("2026-11-23 09:00"), 0) == at("2026-11-23 23:59:59.999999")


def test_national_day_2026_from_the_issue(cal: WorkCalendar) -> None:
    # Wednesday 9/30 16:00 + 3: holiday 10/1-10/7, then Thu 10/8, Fri 10/9, Sat 10/10 (make-up)
    assert cal.add_working_days(at("2026-09-30 16:00"), 3) == at("2026-10-10 23:59:59.999999")


def test_spring_festival_2026_with_make_up_saturdays(cal: WorkCalendar) -> None:
    # Friday 2/13 10:00 + 2: Sat 2/14 (make-up), then the holiday, then Tue 2/24
    assert cal.add_working_days(at("2026-02-13 10:00"), 2) == at("2026-02-24 23:59:59.999999")


def test_spring_festival_2025_and_2024(cal: WorkCalendar) -> None:
    # Monday 2025-01-27 10:00 + 1: holiday 1/28-2/4 -> Wednesday 2/5
    assert cal.add_working_days(at("2025-01-27 10:00"), 1) == at("2025-02-05 23:59:59.999999")
    # Saturday 2024-02-10 is a holiday: received Sunday 2/18 (make-up day); + 1 -> Monday 2/19
    assert cal.add_working_days(at("2024-02-10 10:00"), 1) == at("2024-02-19 23:59:59.999999")


def test_working_days_between_agrees_with_add(cal: WorkCalendar) -> None:
    start = at("2026-09-28 11:00")
    for n in range(0, 12):
        deadline = cal.add_working_days(start, n)
        assert cal.working_days_between(start, deadline) == n
        assert cal.working_days_between(start, deadline + dt.timedelta(days=1)) >= n


def test_working_days_between_is_zero_on_the_day_of_receipt(cal: WorkCalendar) -> None:
    assert cal.working_days_between(at("2026-11-23 09:00"), at("2026-11-23 16:00")) == 0


def test_unknown_year_is_an_explicit_error(cal: WorkCalendar) -> None:
    with pytest.raises(UnknownYearError, match="2027 年的节假日安排尚未录入"):
        cal.is_workday(day("2027-01-04"))


def test_late_december_deadline_needs_the_next_year(cal: WorkCalendar) -> None:
    with pytest.raises(UnknownYearError):
        cal.add_working_days(at("2026-12-29 10:00"), 5)


def test_fallback_uses_the_weekday_rule_and_reports_the_year(cal: WorkCalendar) -> None:
    # Tue 12/29 + 5: Wed 12/30, Thu 12/31, then 2027 by weekday: Fri 1/1, Mon 1/4, Tue 1/5
    deadline = cal.add_working_days(at("2026-12-29 10:00"), 5, fallback=True)
    assert deadline == at("2027-01-05 23:59:59.999999")
    assert cal.fallback_years == {2027}


def test_administrator_entries_win_over_the_package() -> None:
    cal = WorkCalendar(overrides={day("2026-11-23"): Override(False, "临时调整")})
    assert cal.is_workday(day("2026-11-23")) is False
    assert "管理员设定为休息日" in cal.explain(day("2026-11-23")).reason


def test_a_year_entered_by_administrators_becomes_known() -> None:
    cal = WorkCalendar(
        overrides={
            day("2027-01-01"): Override(False, "元旦"),
            day("2027-02-06"): Override(True, "调休"),
        },
        admin_complete_years=[2027],
    )
    assert cal.is_workday(day("2027-01-01")) is False
    assert cal.is_workday(day("2027-01-04")) is True
    assert cal.is_workday(day("2027-02-06")) is True  # a Saturday entered as a make-up day
    assert cal.is_workday(day("2027-01-09")) is False  # an ordinary Saturday


def test_naive_datetimes_are_refused(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="aware"):
        cal.add_working_days(dt.datetime(2026, 11, 23, 10, 0), 1)  # noqa: DTZ001
