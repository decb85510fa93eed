from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qinqing.appeals.services import sweep_deadlines


@db_periodic_task(crontab(minute="*/5"))
def sweep_appeal_deadlines() -> int:
    """Every five minutes: warnings and escalations on the ladder (safe to run twice)."""
    return sweep_deadlines()
