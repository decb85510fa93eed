"""Overdue tasks climb the appeals' ladder (the seeded EscalationStep rows): each step
once, however often the sweep runs."""

import datetime as dt

import pytest

from qinqing.appeals.clocks import ladder
from qinqing.core.models import Notification
from qinqing.tasklist import services
from qinqing.tasklist.models import TaskEscalation, TasklistEvent
from qinqing.tasklist.tests.conftest import make_task
from qinqing.workdays.services import get_calendar


@pytest.fixture
def due_task(indicator, supervisor, district, handler, dept_head, leader, today):
    """A task due on a working Wednesday in the middle of the year."""
    calendar = get_calendar()
    day = dt.date(today.year, 6, 10)
    while day.weekday() != 2 or not calendar.is_workday(day, fallback=True):
        day += dt.timedelta(days=1)
    return make_task(indicator, supervisor, district, day)


def test_the_ladder_is_the_appeals_ladder(db):
    assert [s.action for s in ladder()] == ["remind", "urge", "supervise", "report"]


def test_every_step_is_sent_once(due_task, handler, dept_head, leader, supervisor):
    late = due_task.due_at + dt.timedelta(days=20)
    assert services.sweep_overdue_tasks(now=late) == len(ladder())
    assert services.sweep_overdue_tasks(now=late) == 0
    assert services.sweep_overdue_tasks(now=late + dt.timedelta(days=3)) == 0
    assert TaskEscalation.objects.filter(task=due_task).count() == len(ladder())
    notes = Notification.objects.filter(
        kind__startswith="tasklist.", url__contains=f"/{due_task.pk}/"
    )
    urge = notes.filter(kind="tasklist.urge")
    assert set(urge.values_list("recipient__username", flat=True)) == {"handler", "head"}
    assert notes.filter(kind="tasklist.report", recipient=leader).count() == 1
    assert notes.filter(kind="tasklist.supervise", recipient=supervisor).count() == 1
    assert (
        TasklistEvent.objects.filter(kind="task_escalated", subject=f"task:{due_task.pk}").count()
        == 4
    )


def test_steps_follow_the_working_days(due_task):
    due = due_task.due_at
    assert services.sweep_overdue_tasks(now=due - dt.timedelta(days=3)) == 0
    assert services.sweep_overdue_tasks(now=due - dt.timedelta(hours=1)) == 1  # remind, -1
    assert services.sweep_overdue_tasks(now=due + dt.timedelta(minutes=1)) == 1  # urge, 0
    levels = sorted(
        TaskEscalation.objects.filter(task=due_task).values_list("step__level", flat=True)
    )
    assert levels == [1, 2]


def test_completed_tasks_are_not_escalated(due_task, handler):
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.report_progress(
        due_task, actor=handler, text="完成", achieved_value="0.5", complete=True,
        files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4")],
    )  # fmt: skip
    assert services.sweep_overdue_tasks(now=due_task.due_at + dt.timedelta(days=20)) == 0


def test_reports_due_are_reminded_once(task, handler):
    import time_machine

    from qinqing.workdays.calendar import CHINA

    day = dt.datetime(task.due_on.year, task.due_on.month, 25, 10, tzinfo=CHINA)
    with time_machine.travel(day, tick=False):
        first = services.remind_reports_due()
        again = services.remind_reports_due()
    assert first == 1
    assert again == 0
    assert Notification.objects.filter(recipient=handler, kind="tasklist.report_due").count() == 1


def test_a_report_this_month_stops_the_reminder(task, handler):
    import time_machine

    from qinqing.workdays.calendar import CHINA

    day = dt.datetime(task.due_on.year, task.due_on.month, 25, 10, tzinfo=CHINA)
    with time_machine.travel(day, tick=False):
        services.report_progress(task, actor=handler, text="本月进展")
        assert services.remind_reports_due() == 0
