"""The calendar admin enters a whole year at once on the year grid."""

import datetime as dt

import pytest
from django.urls import reverse

from qinqing.workdays.models import CalendarYear, DayOverride
from qinqing.workdays.services import (
    arrangement_warnings,
    get_calendar,
    save_year_arrangement,
    year_arrangement,
)

pytestmark = pytest.mark.django_db


def _weekends(year: int) -> set[dt.date]:
    first = dt.date(year, 1, 1)
    days = (first + dt.timedelta(days=i) for i in range(366))
    return {d for d in days if d.year == year and d.weekday() >= 5}


def test_saving_a_year_stores_only_the_days_that_differ(admin_user) -> None:  # type: ignore[no-untyped-def]
    spring = {dt.date(2027, 2, 8) + dt.timedelta(days=i) for i in range(7)}  # a weekday week
    makeup = dt.date(2027, 2, 6)  # a Saturday worked
    rest = (_weekends(2027) | spring) - {makeup}
    record, changed = save_year_arrangement(
        2027, actor=admin_user, rest_dates=rest, is_complete=True, source="国办发明电〔2026〕"
    )
    assert record.is_complete and record.updated_by == admin_user
    stored = dict(DayOverride.objects.values_list("date", "is_workday"))
    weekdays_off = {d for d in spring if d.weekday() < 5}
    assert stored == {**dict.fromkeys(weekdays_off, False), makeup: True}
    assert changed == len(stored)
    calendar = get_calendar()
    assert calendar.knows_year(2027)
    assert not calendar.is_workday(dt.date(2027, 2, 9)) and calendar.is_workday(makeup)


def test_saving_the_official_arrangement_again_leaves_no_overrides(admin_user) -> None:  # type: ignore[no-untyped-def]
    official = {d.date for d in year_arrangement(2026).days if not d.is_workday}
    DayOverride.objects.create(date=dt.date(2026, 3, 3), is_workday=False, note="临时")
    _record, changed = save_year_arrangement(
        2026, actor=admin_user, rest_dates=official, is_complete=False
    )
    assert changed == 1
    assert not DayOverride.objects.exists()


def test_a_complete_year_with_too_few_rest_days_is_warned_about() -> None:
    weekends = _weekends(2027)
    assert arrangement_warnings(2027, weekends)  # no holidays at all
    assert "13" in arrangement_warnings(2027, weekends)[0]
    holidays = {dt.date(2027, 2, 8) + dt.timedelta(days=i) for i in range(20)}
    assert arrangement_warnings(2027, weekends | holidays) == []
    # every real arrangement the package knows passes the same check
    for year in (2024, 2025, 2026):
        rest = {d.date for d in year_arrangement(year).days if not d.is_workday}
        assert arrangement_warnings(year, rest) == [], year


def test_dates_outside_the_year_are_refused_without_a_write(admin_user) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="2028-01-01"):
        save_year_arrangement(
            2027, actor=admin_user, rest_dates={dt.date(2028, 1, 1)}, is_complete=True
        )
    assert not CalendarYear.objects.exists() and not DayOverride.objects.exists()


def test_the_year_grid_saves_the_year_and_says_what_happened(client_for, admin_user) -> None:  # type: ignore[no-untyped-def]
    client = client_for(admin_user)
    page = client.get(reverse("workdays:year", args=[2027])).content.decode()
    assert "2027 年节假日安排" in page and 'value="2027-01-02"' in page
    rest = [d.isoformat() for d in sorted(_weekends(2027))]
    response = client.post(
        reverse("workdays:year", args=[2027]),
        {"rest": rest, "is_complete": "on", "source": "测试"},
        follow=True,
    )
    text = response.content.decode()
    assert f"已保存 2027 年安排：休息日 {len(rest)} 天" in text
    assert "国务院放假安排至少应有 117 个休息日" in text  # the warning: no holidays entered
    assert CalendarYear.objects.get(year=2027).is_complete


def test_a_bad_date_saves_nothing(client_for, admin_user) -> None:  # type: ignore[no-untyped-def]
    response = client_for(admin_user).post(
        reverse("workdays:year", args=[2027]), {"rest": ["2027-02-30"]}, follow=True
    )
    assert "不是有效日期，未保存任何改动" in response.content.decode()
    assert not CalendarYear.objects.exists()


def test_only_administrators_open_the_year_grid(client_for, handler) -> None:  # type: ignore[no-untyped-def]
    assert client_for(handler).get(reverse("workdays:year", args=[2027])).status_code == 403
