from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qinqing.catalog.watch import sweep_overdue


@db_periodic_task(crontab(minute="*/10"))
def sweep_overdue_matters() -> int:
    """Every ten minutes: flag matters that went past their promised clock (safe twice)."""
    return sweep_overdue()
