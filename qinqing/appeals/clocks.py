"""Working-day clocks of an appeal. Callers hold the appeal's row lock."""

import datetime as dt

from django.db.models import Min

from qinqing.appeals.models import Appeal, Clock, ClockKind, EscalationStep, TimeLimit
from qinqing.workdays.calendar import CHINA, END_OF_DAY, WorkCalendar
from qinqing.workdays.services import get_calendar, record_fallbacks

DEFAULT_DAYS = {  # Yongchuan: acknowledge 1, contact 2, reply and call back 5 working days
    ClockKind.ACKNOWLEDGE: 1,
    ClockKind.CONTACT: 2,
    ClockKind.REPLY: 5,
    ClockKind.CALLBACK: 5,
}


def limit_days(appeal: Appeal, kind: str) -> int:
    """The most specific TimeLimit row (type and channel, then type, then channel, then
    the catch-all) or the defaults."""
    rows = {
        (row.appeal_type, row.channel): row
        for row in TimeLimit.objects.filter(
            appeal_type__in=[appeal.type, ""], channel__in=[appeal.channel, ""]
        )
    }
    for key in ((appeal.type, appeal.channel), (appeal.type, ""), ("", appeal.channel), ("", "")):
        if key in rows:
            return rows[key].days_for(kind)
    return DEFAULT_DAYS[ClockKind(kind)]


def _with_calendar(fn):  # type: ignore[no-untyped-def]
    def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
        calendar = get_calendar()
        try:
            return fn(calendar, *args, **kwargs)
        finally:
            record_fallbacks(calendar)

    return wrapped


@_with_calendar
def deadline(calendar: WorkCalendar, start: dt.datetime, days: int) -> dt.datetime:
    return calendar.add_working_days(start, days, fallback=True)


@_with_calendar
def shift_due(calendar: WorkCalendar, due: dt.datetime, days: int) -> dt.datetime:
    """The end of the `days`-th working day after the day `due` falls on."""
    day = due.astimezone(CHINA).date()
    for _ in range(days):
        day = calendar.next_workday(day, fallback=True)
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=CHINA)


@_with_calendar
def working_days_between(calendar: WorkCalendar, start: dt.datetime, end: dt.datetime) -> int:
    return calendar.working_days_between(start, end, fallback=True)


def start_clock(appeal: Appeal, kind: str, now: dt.datetime, *, cycle: int = 0) -> Clock:
    days = limit_days(appeal, kind)
    return Clock.objects.create(
        appeal=appeal,
        kind=kind,
        cycle=cycle,
        limit_days=days,
        started_at=now,
        due_at=deadline(now, days),
    )


def stop_clocks(appeal: Appeal, kinds: list[str], now: dt.datetime) -> dict[str, bool]:
    """Stop the running clocks of `kinds`; returns kind -> stopped on time."""
    result: dict[str, bool] = {}
    for clock in Clock.objects.filter(appeal=appeal, kind__in=kinds, stopped_at__isnull=True):
        if clock.paused_at is not None:
            _add_pause(clock, now)
        clock.stopped_at = now
        clock.save(update_fields=["stopped_at", "paused_at", "paused_total"])
        result[clock.kind] = now <= clock.due_at
    return result


def _add_pause(clock: Clock, now: dt.datetime) -> None:
    assert clock.paused_at is not None
    clock.paused_total = (clock.paused_total or dt.timedelta()) + (now - clock.paused_at)
    clock.paused_at = None


def pause_clocks(appeal: Appeal, now: dt.datetime) -> None:
    Clock.objects.filter(appeal=appeal, stopped_at__isnull=True, paused_at__isnull=True).update(
        paused_at=now
    )


@_with_calendar
def resume_clocks(calendar: WorkCalendar, appeal: Appeal, now: dt.datetime) -> None:
    """Give back the working days that were left when the clock was paused."""
    for clock in Clock.objects.filter(
        appeal=appeal, stopped_at__isnull=True, paused_at__isnull=False
    ):
        assert clock.paused_at is not None
        left = (
            0
            if clock.paused_at > clock.due_at
            else calendar.working_days_between(clock.paused_at, clock.due_at, fallback=True)
        )
        clock.due_at = calendar.add_working_days(now, left, fallback=True)
        _add_pause(clock, now)
        clock.save(update_fields=["due_at", "paused_at", "paused_total"])


def refresh_next_due(appeal: Appeal) -> None:
    """Keep Appeal.next_due_at (the worklist's order) equal to the earliest running due."""
    earliest = Clock.objects.filter(
        appeal=appeal, stopped_at__isnull=True, paused_at__isnull=True
    ).aggregate(due=Min("due_at"))["due"]
    if earliest != appeal.next_due_at:
        appeal.next_due_at = earliest
        Appeal.objects.filter(pk=appeal.pk).update(next_due_at=earliest)


def running_clock(appeal: Appeal, kind: str) -> Clock | None:
    return Clock.objects.filter(appeal=appeal, kind=kind, stopped_at__isnull=True).first()


def trigger_at(calendar: WorkCalendar, due: dt.datetime, offset: int) -> dt.datetime:
    """When a ladder step with `offset` working days fires for a clock due at `due`:
    offset 0 at the due moment; -N at the start of the N-th working day before the due
    day; +N at the end of the N-th working day after it (N full working days late)."""
    if offset == 0:
        return due
    day = due.astimezone(CHINA).date()
    step = dt.timedelta(days=1 if offset > 0 else -1)
    for _ in range(abs(offset)):
        day += step
        while not calendar.is_workday(day, fallback=True):
            day += step
    if offset > 0:
        return dt.datetime.combine(day, END_OF_DAY, tzinfo=CHINA)
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=CHINA)


def clock_state(clock: Clock, now: dt.datetime, calendar: WorkCalendar | None = None) -> str:
    """Plain words for the worklist: 已超时 N 个工作日 / 今日到期 / 剩余 N 个工作日 / 已暂停.
    Pass one `calendar` when describing many clocks (saves two queries each)."""
    if clock.stopped_at is not None:
        return "按时完成" if clock.stopped_at <= clock.due_at else "超时完成"
    if clock.paused_at is not None:
        return "已暂停"
    calendar = calendar or get_calendar()
    if now > clock.due_at:
        late = calendar.working_days_between(clock.due_at, now, fallback=True)
        return f"已超时 {max(late, 0) + 1} 个工作日"
    left = calendar.working_days_between(now, clock.due_at, fallback=True)
    return "今日到期" if left == 0 else f"剩余 {left} 个工作日"


def ladder() -> list[EscalationStep]:
    return list(EscalationStep.objects.order_by("level"))
