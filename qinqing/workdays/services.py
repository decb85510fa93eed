"""The calendar service every deadline uses: the pure WorkCalendar fed from the database."""

import datetime as dt
import logging
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Max
from django.utils.translation import gettext as _

from qinqing.workdays.calendar import Override, WorkCalendar, parse_office_close
from qinqing.workdays.models import CalendarYear, DayOverride, FallbackUse

logger = logging.getLogger("qinqing.workdays")


def _version() -> str:
    overrides = DayOverride.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    years = CalendarYear.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    return f"{overrides['n']}:{overrides['t']}:{years['n']}:{years['t']}"


# --- The calendar, cached per process ---------------------------------------------------
# Deadlines are computed at every step of every matter, so the calendar is kept in the
# process. The workdays services that change it call `calendar_changed()`: this process
# forgets its copy at once (and again when the change commits); another process (a
# worker) compares the database's version with its copy at most every RECHECK_SECONDS.
RECHECK_SECONDS = 30.0


@dataclass(frozen=True)
class _Copy:
    version: str
    checked: float  # time.monotonic() of the last version check
    overrides: dict[dt.date, Override]
    years: list[int]


_copy: _Copy | None = None
_uncommitted = False  # a change in a transaction that has not committed yet


def get_calendar() -> WorkCalendar:
    """The current calendar (a copy kept per process; see calendar_changed)."""
    global _copy, _uncommitted
    copy = _copy
    if _uncommitted and not connection.in_atomic_block:
        _uncommitted = False  # that transaction ended without committing (rolled back)
        copy = None
    now = time.monotonic()
    if copy is None or now - copy.checked > RECHECK_SECONDS:
        version = _version()
        if copy is None or copy.version != version:
            copy = _load(version, now)
        else:
            copy = _Copy(copy.version, now, copy.overrides, copy.years)
        if not _uncommitted:  # never keep what a transaction may still roll back
            _copy = copy
    return WorkCalendar(
        overrides=copy.overrides,
        admin_complete_years=copy.years,
        office_close=parse_office_close(settings.WORKDAY_OFFICE_CLOSE),
    )


def _load(version: str, now: float) -> _Copy:
    overrides = {row.date: Override(row.is_workday, row.note) for row in DayOverride.objects.all()}
    years = list(CalendarYear.objects.filter(is_complete=True).values_list("year", flat=True))
    return _Copy(version, now, overrides, years)


def calendar_changed() -> None:
    """Every write to the calendar calls this (the services below, the admin)."""
    global _copy, _uncommitted
    _copy = None
    if connection.in_atomic_block:
        _uncommitted = True
        transaction.on_commit(forget_calendar)


def forget_calendar() -> None:
    """Drop this process's copy (after a committed change; between tests)."""
    global _copy, _uncommitted
    _copy, _uncommitted = None, False


def record_fallbacks(calendar: WorkCalendar) -> None:
    """Write the years a calculation had to guess, so administrators see them."""
    for year in sorted(calendar.fallback_years):
        logger.warning("working-day fallback used for unknown year %s", year)
        with transaction.atomic():
            FallbackUse.objects.get_or_create(year=year)
            FallbackUse.objects.filter(year=year).update(count=F("count") + 1, last_used_at=_now())
    calendar.fallback_years.clear()


def deadline_after(moment: dt.datetime, days: int) -> dt.datetime:
    """Deadline for a limit in working days; falls back (recorded) for unknown years."""
    calendar = get_calendar()
    result = calendar.add_working_days(moment, days, fallback=True)
    record_fallbacks(calendar)
    return result


def pending_fallback_years() -> list[FallbackUse]:
    calendar = get_calendar()
    return [
        use for use in FallbackUse.objects.order_by("year") if not calendar.knows_year(use.year)
    ]


def _now() -> dt.datetime:
    from django.utils import timezone

    return timezone.now()


# --- A whole year at once (the calendar admin's year grid) --------------------------


# Statutory public holidays per year (《全国年节及纪念日放假办法》): 11 days until 2024,
# 13 since the 2024 revision (one more at the Spring Festival, one on 1 May).
def statutory_holiday_days(year: int) -> int:
    return 13 if year >= 2025 else 11


@dataclass(frozen=True)
class YearDay:
    date: dt.date
    is_workday: bool
    reason: str
    source: str  # as DayInfo.source: "admin", "official", "weekday", "fallback"


@dataclass(frozen=True)
class YearArrangement:
    year: int
    days: list[YearDay]
    record: CalendarYear | None
    known: bool

    @property
    def rest_days(self) -> int:
        return sum(1 for d in self.days if not d.is_workday)


def year_arrangement(year: int) -> YearArrangement:
    """Every day of `year` as the calendar has it now; unknown years by the weekday rule."""
    calendar = get_calendar()
    days = [
        YearDay(d, info.is_workday, info.reason, info.source)
        for d in _days_of(year)
        for info in [calendar.explain(d, fallback=True)]
    ]
    calendar.fallback_years.clear()  # looking at a year is not a deadline computed on a guess
    return YearArrangement(
        year, days, CalendarYear.objects.filter(year=year).first(), calendar.knows_year(year)
    )


def arrangement_warnings(year: int, rest_dates: set[dt.date]) -> list[str]:
    """Why an arrangement looks incomplete: fewer rest days than weekends plus the
    statutory holidays, as every State Council arrangement in the package has."""
    weekends = sum(1 for d in _days_of(year) if d.weekday() >= 5)
    holidays = statutory_holiday_days(year)
    rest = sum(1 for d in rest_dates if d.year == year)
    if rest >= weekends + holidays:
        return []
    return [
        _(
            "%(year)s has only %(rest)s rest days. With %(weekends)s weekend days and "
            "%(holidays)s days of statutory public holidays, a State Council arrangement "
            "has at least %(expected)s; check the holidays before marking the year complete."
        )
        % {
            "year": year,
            "rest": rest,
            "weekends": weekends,
            "holidays": holidays,
            "expected": weekends + holidays,
        }
    ]


@transaction.atomic
def save_year_arrangement(
    year: int, *, actor: Any, rest_dates: set[dt.date], is_complete: bool, source: str = ""
) -> tuple[CalendarYear, int]:
    """Store the year as the administrator entered it: an override for every day that
    differs from the official arrangement (or, for years the package does not know, from
    the weekday rule), none for the days that agree. Returns the year's record and the
    number of days changed."""
    if not 2000 <= year <= 2100:
        raise ValueError(_("The year must be between 2000 and 2100."))
    stray = sorted(d for d in rest_dates if d.year != year)
    if stray:
        raise ValueError(
            _("%(date)s is not in %(year)s.") % {"date": stray[0].isoformat(), "year": year}
        )
    record, _created = CalendarYear.objects.select_for_update().get_or_create(year=year)
    base = WorkCalendar(admin_complete_years=[year])
    existing = {
        row.date: row for row in DayOverride.objects.select_for_update().filter(date__year=year)
    }
    changed = 0
    for day in _days_of(year):
        wanted = day not in rest_dates
        current = existing.get(day)
        effective = current.is_workday if current is not None else base.is_workday(day)
        if wanted != effective:
            changed += 1
        if wanted == base.is_workday(day):
            if current is not None:
                current.delete()
            continue
        note = _default_note(day, wanted)
        if current is None:
            DayOverride.objects.create(date=day, is_workday=wanted, note=note, updated_by=actor)
        elif current.is_workday != wanted:
            current.is_workday, current.note, current.updated_by = wanted, note, actor
            current.save(update_fields=["is_workday", "note", "updated_by", "updated_at"])
    record.is_complete = is_complete
    record.source = source[:200]
    record.updated_by = actor
    record.save(update_fields=["is_complete", "source", "updated_by", "updated_at"])
    calendar_changed()
    return record, changed


def _default_note(day: dt.date, is_workday: bool) -> str:
    if is_workday:
        return "调休上班" if day.weekday() >= 5 else "上班"
    return "放假" if day.weekday() < 5 else "休息"


def _days_of(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    return [first + dt.timedelta(days=i) for i in range((dt.date(year + 1, 1, 1) - first).days)]


@transaction.atomic
def set_day(day: dt.date, *, is_workday: bool, note: str = "") -> DayOverride:
    """Declare one day a working day or a rest day (an official adjustment, 调休)."""
    override, _created = DayOverride.objects.update_or_create(
        date=day, defaults={"is_workday": is_workday, "note": note}
    )
    calendar_changed()
    return override


@transaction.atomic
def mark_year_complete(year: int, *, source: str = "") -> CalendarYear:
    """Record that the year's official arrangement is fully entered (no fallback needed)."""
    entry, _created = CalendarYear.objects.update_or_create(
        year=year, defaults={"is_complete": True, "source": source}
    )
    calendar_changed()
    return entry
