"""Periodic reminders; each takes no objects and calls a service (safe to run twice)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qinqing.liaison import reminders


@db_periodic_task(crontab(hour="10", minute="0"))
def remind_missing_checkins() -> int:
    """10:00 every day: cadres in a stay who have not checked in yet."""
    return reminders.missing_checkins()


@db_periodic_task(crontab(hour="9", minute="0", day_of_week="1"))
def remind_due_visits() -> int:
    """Mondays 09:00: cadres whose liaison enterprises are due a visit."""
    return reminders.due_visits()
