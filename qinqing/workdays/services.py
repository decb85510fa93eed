"""The calendar service every deadline uses: the pure WorkCalendar fed from the database."""

import datetime as dt
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, Max

from qinqing.workdays.calendar import Override, WorkCalendar, parse_office_close
from qinqing.workdays.models import CalendarYear, DayOverride, FallbackUse

logger = logging.getLogger("qinqing.workdays")
_CACHE_KEY = "workdays:calendar"


def _version() -> str:
    overrides = DayOverride.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    years = CalendarYear.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    return f"{overrides['n']}:{overrides['t']}:{years['n']}:{years['t']}"


def get_calendar() -> WorkCalendar:
    """The current calendar. Two cheap aggregate queries decide whether a cached copy is
    still current, so an administrator's edit takes effect in every process at once."""
    version = _version()
    cached = cache.get(_CACHE_KEY)
    if cached is not None and cached[0] == version:
        overrides, years = cached[1], cached[2]
    else:
        overrides = {
            row.date: Override(row.is_workday, row.note) for row in DayOverride.objects.all()
        }
        years = list(CalendarYear.objects.filter(is_complete=True).values_list("year", flat=True))
        cache.set(_CACHE_KEY, (version, overrides, years), 3600)
    return WorkCalendar(
        overrides=overrides,
        admin_complete_years=years,
        office_close=parse_office_close(settings.WORKDAY_OFFICE_CLOSE),
    )


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


@transaction.atomic
def set_day(day: dt.date, *, is_workday: bool, note: str = "") -> DayOverride:
    """Declare one day a working day or a rest day (an official adjustment, 调休)."""
    override, _created = DayOverride.objects.update_or_create(
        date=day, defaults={"is_workday": is_workday, "note": note}
    )
    return override


@transaction.atomic
def mark_year_complete(year: int, *, source: str = "") -> CalendarYear:
    """Record that the year's official arrangement is fully entered (no fallback needed)."""
    entry, _created = CalendarYear.objects.update_or_create(
        year=year, defaults={"is_complete": True, "source": source}
    )
    return entry
