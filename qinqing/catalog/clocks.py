"""A matter's promised clock in working days, on the shared calendar (workdays).

The clock starts at 受理 with the item's promised limit; 补正 pauses it and resuming
gives back the working days that were left; 即办件 are due by the end of the day."""

import datetime as dt

from qinqing.workdays.calendar import WorkCalendar
from qinqing.workdays.services import deadline_after, get_calendar, record_fallbacks


def due_for(start: dt.datetime, days: int) -> dt.datetime:
    return deadline_after(start, days)


def _with_calendar() -> WorkCalendar:
    return get_calendar()


def working_days_between(start: dt.datetime, end: dt.datetime) -> int:
    calendar = _with_calendar()
    try:
        return calendar.working_days_between(start, end, fallback=True)
    finally:
        record_fallbacks(calendar)


def resumed_due(paused_at: dt.datetime, due_at: dt.datetime, now: dt.datetime) -> dt.datetime:
    """The new due moment after a pause from `paused_at` to `now`: the working days that
    were left at the pause, counted again from `now`."""
    left = 0 if paused_at > due_at else working_days_between(paused_at, due_at)
    return deadline_after(now, left)


def clock_words(
    due_at: dt.datetime | None,
    paused: bool,
    decided_at: dt.datetime | None,
    now: dt.datetime,
    calendar: WorkCalendar | None = None,
) -> str:
    """Plain words for lists: 剩余 N 个工作日 / 今日到期 / 已超时 N 个工作日 / 补正中，计时暂停."""
    if due_at is None:
        return ""
    if decided_at is not None:
        return "按时办结" if decided_at <= due_at else "超时办结"
    if paused:
        return "补正中，计时暂停"
    calendar = calendar or get_calendar()
    if now > due_at:
        late = calendar.working_days_between(due_at, now, fallback=True)
        return f"已超时 {max(late, 0) + 1} 个工作日"
    left = calendar.working_days_between(now, due_at, fallback=True)
    return "今日到期" if left == 0 else f"剩余 {left} 个工作日"
