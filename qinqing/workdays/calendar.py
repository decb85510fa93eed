"""Working-day arithmetic on the official holiday arrangement (pure: no database).

The conventions, which every deadline in qinqing follows:

1. A day is a working day if an administrator's entry says so; otherwise as the State
   Council's arrangement (seeded from the `chinesecalendar` package) says, make-up
   working days (调休上班) included; otherwise Monday to Friday, but only in a year the
   calendar knows (a year of the package or one an administrator marked complete).
2. Something received on a working day before office close (WORKDAY_OFFICE_CLOSE,
   17:30 by default) is received that day; after the close, or on a rest day, it is
   received on the next working day.
3. As in the Civil Code (art. 201), the day of receipt is not counted: a limit of N
   working days ends at the close of the N-th working day after the day of receipt,
   that is at 24:00 of that day (the returned moment is 23:59:59.999999 local time).
   N = 0 means by the end of the day of receipt ("当日办结").
4. `working_days_between(start, end)` counts the working days after the day of receipt
   up to and including the day of `end`; so `end <= add_working_days(start, n)` exactly
   when `working_days_between(start, end) <= n`.
5. A date in a year the calendar does not know raises UnknownYearError. Callers that must
   go on (a deadline in January of a year not yet published) pass `fallback=True`: the
   weekday rule is used, and the year is reported in `fallback_years` so that the caller
   records it where administrators see it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar import constants as cc

CHINA = ZoneInfo("Asia/Shanghai")
END_OF_DAY = dt.time(23, 59, 59, 999999)


class UnknownYearError(LookupError):
    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"{year} 年的节假日安排尚未录入工作日历，无法确定工作日；"
            f"请管理员录入 {year} 年的放假和调休安排并标记为完整。"
        )


@dataclass(frozen=True)
class DayInfo:
    date: dt.date
    is_workday: bool
    reason: str  # in Chinese, for people
    source: str  # "admin", "official", "weekday", "fallback"


@functools.cache
def package_years() -> frozenset[int]:
    """Years whose official arrangement the installed chinesecalendar knows (computed
    once: every calendar built asks)."""
    years = {day.year for day in cc.holidays} | {day.year for day in cc.workdays}
    return frozenset(range(min(years), max(years) + 1))


_HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利 70 周年纪念日",
}
_WEEKDAY_ZH = "一二三四五六日"


@dataclass
class Override:
    is_workday: bool
    note: str = ""


@dataclass
class WorkCalendar:
    """A calendar: administrators' overrides on top of the official arrangement."""

    overrides: Mapping[dt.date, Override] = field(default_factory=dict)
    admin_complete_years: Iterable[int] = ()
    office_close: dt.time = dt.time(17, 30)
    official_years: AbstractSet[int] = field(default_factory=package_years)
    fallback_years: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._known_years = set(self.official_years) | set(self.admin_complete_years)

    # --- single days ---------------------------------------------------------
    def knows_year(self, year: int) -> bool:
        return year in self._known_years

    def explain(self, day: dt.date, *, fallback: bool = False) -> DayInfo:
        weekday = f"星期{_WEEKDAY_ZH[day.weekday()]}"
        override = self.overrides.get(day)
        if override is not None:
            kind = "工作日" if override.is_workday else "休息日"
            note = f"（{override.note}）" if override.note else ""
            return DayInfo(
                day, override.is_workday, f"{weekday}，管理员设定为{kind}{note}", "admin"
            )
        if day.year in self.official_years:
            return self._explain_official(day, weekday)
        if day.year in self._known_years:
            is_work = day.weekday() < 5
            kind = "工作日" if is_work else "休息日"
            return DayInfo(
                day, is_work, f"{weekday}，{kind}（{day.year} 年安排已录入，当日无调整）", "weekday"
            )
        if not fallback:
            raise UnknownYearError(day.year)
        self.fallback_years.add(day.year)
        is_work = day.weekday() < 5
        kind = "工作日" if is_work else "休息日"
        return DayInfo(
            day,
            is_work,
            f"{weekday}，按周末规则暂估为{kind}（{day.year} 年安排未录入）",
            "fallback",
        )

    def _explain_official(self, day: dt.date, weekday: str) -> DayInfo:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        zh_name = _HOLIDAY_NAMES_ZH.get(str(name), str(name)) if name else ""
        if day in cc.workdays:
            return DayInfo(day, True, f"{weekday}，{zh_name}调休上班（国务院放假安排）", "official")
        if day in cc.holidays:
            return DayInfo(day, False, f"{weekday}，{zh_name}放假（国务院放假安排）", "official")
        is_work = not on_holiday
        return DayInfo(
            day, is_work, f"{weekday}，{'工作日' if is_work else '周末休息'}", "official"
        )

    def is_workday(self, day: dt.date, *, fallback: bool = False) -> bool:
        return self.explain(day, fallback=fallback).is_workday

    def next_workday(self, day: dt.date, *, fallback: bool = False) -> dt.date:
        day += dt.timedelta(days=1)
        while not self.is_workday(day, fallback=fallback):
            day += dt.timedelta(days=1)
        return day

    # --- moments ---------------------------------------------------------------
    def receipt_day(self, moment: dt.datetime, *, fallback: bool = False) -> dt.date:
        """The working day on which something arriving at `moment` counts as received."""
        local = _local(moment)
        day = local.date()
        if self.is_workday(day, fallback=fallback) and local.time() < self.office_close:
            return day
        return self.next_workday(day, fallback=fallback)

    def add_working_days(
        self, moment: dt.datetime, days: int, *, fallback: bool = False
    ) -> dt.datetime:
        """The deadline for a limit of `days` working days from `moment` (convention 3)."""
        if days < 0:
            raise ValueError("a time limit cannot be negative")
        day = self.receipt_day(moment, fallback=fallback)
        for _ in range(days):
            day = self.next_workday(day, fallback=fallback)
        return dt.datetime.combine(day, END_OF_DAY, tzinfo=CHINA)

    def working_days_between(
        self, start: dt.datetime, end: dt.datetime, *, fallback: bool = False
    ) -> int:
        """Working days used from `start` to `end` (convention 4); 0 if `end` is on the
        day of receipt or before it."""
        first = self.receipt_day(start, fallback=fallback)
        last = _local(end).date()
        count = 0
        day = first + dt.timedelta(days=1)
        while day <= last:
            if self.is_workday(day, fallback=fallback):
                count += 1
            day += dt.timedelta(days=1)
        return count


def _local(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("working-day arithmetic needs an aware datetime")
    return moment.astimezone(CHINA)


def parse_office_close(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))
