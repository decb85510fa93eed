"""Plain words for a deadline, in working days (qinqing.workdays)."""

import datetime as dt

from qinqing.workdays.services import get_calendar, record_fallbacks


def clock_words(due_at: dt.datetime, now: dt.datetime) -> str:
    """已超期 N 个工作日 / 今日到期 / 剩余 N 个工作日."""
    calendar = get_calendar()
    try:
        if now > due_at:
            late = calendar.working_days_between(due_at, now, fallback=True)
            return f"已超期 {max(late, 0) + 1} 个工作日"
        left = calendar.working_days_between(now, due_at, fallback=True)
        return "今日到期" if left == 0 else f"剩余 {left} 个工作日"
    finally:
        record_fallbacks(calendar)
