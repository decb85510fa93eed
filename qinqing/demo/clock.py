"""The demo's controlled clock. Every step of the demo history runs at its own moment
(time-machine moves `timezone.now()` for the services), so timeline events, working-day
clocks, deadlines and on-time flags agree as if the district had lived through the year.
Nothing is ever run in the future: a step planned after the real now is left undone,
which is what leaves recent appeals open at every stage."""

import datetime as dt
import random
from types import TracebackType

import time_machine
from django.utils import timezone

from qinqing.workdays.calendar import WorkCalendar
from qinqing.workdays.services import get_calendar

OFFICE_OPENS = dt.time(8, 40)
OFFICE_MINUTES = 8 * 60  # 08:40 to 16:40: a step is done well before the office closes


class DemoClock:
    def __init__(self, seed: int = 2026) -> None:
        self.now = timezone.now()  # the real now, taken before any travel
        self.today = timezone.localdate(self.now)
        self.rng = random.Random(seed)
        self.calendar: WorkCalendar = get_calendar()
        self._traveller: time_machine.travel | None = None
        self._coordinates: time_machine.Coordinates | None = None

    def __enter__(self) -> "DemoClock":
        self._traveller = time_machine.travel(self.now, tick=False)
        self._coordinates = self._traveller.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._traveller is not None:
            self._traveller.stop()
        self._traveller = self._coordinates = None

    def at(self, moment: dt.datetime) -> bool:
        """Move to `moment`; False (and no move) when it is still in the future."""
        if moment > self.now:
            return False
        assert self._coordinates is not None, "use the clock as a context manager"
        self._coordinates.move_to(moment)
        return True

    def back_to_now(self) -> None:
        if self._coordinates is not None:
            self._coordinates.move_to(self.now)

    # --- moments ------------------------------------------------------------------------
    def office_time(self, day: dt.date, rng: random.Random | None = None) -> dt.datetime:
        """A moment in office hours on `day` (or the next working day). Pass the caller's
        own `rng` where a re-run must reach the same moment whatever ran before it."""
        if not self.calendar.is_workday(day, fallback=True):
            day = self.calendar.next_workday(day, fallback=True)
        minutes = (rng or self.rng).randrange(OFFICE_MINUTES)
        start = dt.datetime.combine(day, OFFICE_OPENS, tzinfo=timezone.get_current_timezone())
        return start + dt.timedelta(minutes=minutes)

    def any_time(self, day: dt.date, rng: random.Random) -> dt.datetime:
        """Hotline calls come in any day, 7:00 to 22:00."""
        start = dt.datetime.combine(day, dt.time(7), tzinfo=timezone.get_current_timezone())
        return start + dt.timedelta(minutes=rng.randrange(15 * 60))

    def after(self, moment: dt.datetime, workdays: int, *, hours: float = 0) -> dt.datetime:
        """`workdays` working days after `moment`, at an office time; with 0 days, a few
        hours later on the same working day when there is time left, else the next one."""
        local = timezone.localtime(moment)
        if workdays == 0:
            later = local + dt.timedelta(hours=hours or self.rng.uniform(0.5, 4))
            if (
                self.calendar.is_workday(later.date(), fallback=True)
                and OFFICE_OPENS <= later.time() <= dt.time(17, 20)
                and later.date() == local.date()
            ):
                return later
            return self.office_time(self.calendar.next_workday(local.date(), fallback=True))
        day = self.calendar.receipt_day(local, fallback=True)
        for _ in range(workdays):
            day = self.calendar.next_workday(day, fallback=True)
        return self.office_time(day)

    def minutes_after(self, moment: dt.datetime, low: int, high: int) -> dt.datetime:
        return moment + dt.timedelta(minutes=self.rng.randint(low, high))
