import datetime as dt
import threading
from typing import Any

import pytest
import time_machine
from django.db import connection

from qinqing.appeals import services
from qinqing.appeals.models import AppealEvent, Clock
from qinqing.appeals.tests.conftest import ensure_default_ladder, register
from qinqing.core.models import Notification
from qinqing.workdays.calendar import CHINA


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CHINA)


@pytest.fixture
def late_appeal(
    intake: Any, handler: Any, dept_head: Any, supervisor: Any, leader: Any, district: Any
) -> Any:
    with time_machine.travel(at(2025, 9, 22, 9), tick=False):  # acknowledge due end of 23 Sep
        appeal = register(intake)
        services.dispatch_appeal(appeal, actor=intake, to=district.dept)
    return appeal


def kinds_for(user: Any) -> list[str]:
    kinds = Notification.objects.filter(
        recipient=user, kind__startswith="appeal.deadline."
    ).values_list("kind", flat=True)
    return sorted(k.removeprefix("appeal.") for k in kinds)


@pytest.mark.django_db
def test_reminder_the_working_day_before(late_appeal: Any, handler: Any, dept_head: Any) -> None:
    # due at the end of 23 September: the reminder fires from the start of the 22nd
    assert services.sweep_deadlines(at(2025, 9, 22, 20)) == 1
    assert services.sweep_deadlines(at(2025, 9, 23, 8)) == 0
    assert kinds_for(handler) == ["deadline.remind"]
    assert kinds_for(dept_head) == []


@pytest.mark.django_db
def test_ladder_climbs_and_each_step_is_sent_once(
    late_appeal: Any, handler: Any, dept_head: Any, supervisor: Any, leader: Any
) -> None:
    assert services.sweep_deadlines(at(2025, 9, 23, 8)) == 1  # reminder
    assert services.sweep_deadlines(at(2025, 9, 24, 0, 30)) == 1  # overdue: urge
    assert services.sweep_deadlines(at(2025, 9, 24, 0, 30)) == 0  # second run: nothing
    assert services.sweep_deadlines(at(2025, 9, 25, 9)) == 1  # a working day after: 督办
    assert kinds_for(supervisor) == ["deadline.supervise"]
    assert services.sweep_deadlines(at(2025, 9, 29, 9)) == 1  # 3 working days after: report
    assert services.sweep_deadlines(at(2025, 10, 20, 9)) == 0
    assert kinds_for(leader) == ["deadline.report"]
    assert kinds_for(handler) == ["deadline.remind", "deadline.supervise", "deadline.urge"]
    assert Clock.objects.get(appeal=late_appeal).warning_level == 4
    assert AppealEvent.objects.filter(appeal=late_appeal, kind="deadline_warning").count() == 4


@pytest.mark.django_db
def test_missed_sweeps_send_every_step_crossed_once(late_appeal: Any, leader: Any) -> None:
    assert services.sweep_deadlines(at(2025, 10, 20, 9)) == 4
    assert services.sweep_deadlines(at(2025, 10, 20, 9)) == 0
    assert kinds_for(leader) == ["deadline.report"]


@pytest.mark.django_db
def test_stopped_and_paused_clocks_are_not_escalated(late_appeal: Any, handler: Any) -> None:
    services.acknowledge_appeal(late_appeal, actor=handler)
    Clock.objects.filter(appeal=late_appeal).update(paused_at=at(2025, 9, 22, 10))
    assert services.sweep_deadlines(at(2025, 10, 20, 9)) == 0


@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_once_send_each_step_once(
    late_appeal: Any, handler: Any, leader: Any
) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers on one file; the race needs PostgreSQL")
    ensure_default_ladder()
    results: list[int] = []
    barrier = threading.Barrier(2)

    def work() -> None:
        barrier.wait()
        try:
            results.append(services.sweep_deadlines(at(2025, 10, 20, 9)))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) == 4
    assert kinds_for(leader) == ["deadline.report"]
    assert (
        Notification.objects.filter(recipient=handler, kind="appeal.deadline.remind").count() == 1
    )
