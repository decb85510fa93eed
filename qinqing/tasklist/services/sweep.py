"""The periodic work on tasks: overdue tasks climb the appeals' escalation ladder (the
same EscalationStep rows, read through `appeals.clocks.ladder()`), and units are reminded
when a report is due. Both are safe to run twice: a step is a unique (task, step) row,
a reminder a notification with a dedupe key."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from qinqing.accounts.models import Role, User
from qinqing.appeals.clocks import ladder, trigger_at
from qinqing.appeals.models import EscalationStep
from qinqing.core.notify import notify
from qinqing.tasklist import events, selectors
from qinqing.tasklist.models import Report, ReportCycle, Task, TaskEscalation, TaskStatus
from qinqing.tasklist.services.common import overseers, unit_people
from qinqing.tasklist.services.work import period_start, task_url
from qinqing.workdays.services import get_calendar, record_fallbacks

ACTION_ZH = {"remind": "提醒", "urge": "催办", "supervise": "督办", "report": "通报"}
SWEEP_BATCH = 100


def sweep_overdue_tasks(now: dt.datetime | None = None) -> int:
    """Send every ladder step that is due for an active task, each exactly once.
    Returns the number of steps sent by this run."""
    now = now or timezone.now()
    steps = ladder()
    if not steps:
        return 0
    horizon = now + dt.timedelta(days=max(0, -min(s.offset_days for s in steps)) * 2 + 10)
    candidates = list(
        Task.objects.filter(status=TaskStatus.ACTIVE, due_at__lte=horizon)
        .order_by("due_at", "pk")
        .values_list("pk", "due_at")
    )
    sent_before = set(
        TaskEscalation.objects.filter(task_id__in=[pk for pk, _ in candidates]).values_list(
            "task_id", "step_id"
        )
    )
    calendar = get_calendar()
    due: list[tuple[int, list[EscalationStep]]] = []
    for pk, due_at in candidates:
        fired = [
            s
            for s in steps
            if (pk, s.pk) not in sent_before and trigger_at(calendar, due_at, s.offset_days) < now
        ]
        if fired:
            due.append((pk, fired))
    record_fallbacks(calendar)
    sent = 0
    for first in range(0, len(due), SWEEP_BATCH):
        with transaction.atomic():
            for pk, fired in due[first : first + SWEEP_BATCH]:
                sent += _escalate(pk, fired)
    return sent


def _escalate(task_pk: int, fired: list[EscalationStep]) -> int:
    task = (
        Task.objects.select_for_update()
        .select_related("lead_unit", "indicator")
        .filter(pk=task_pk, status=TaskStatus.ACTIVE)
        .first()
    )
    if task is None:
        return 0  # completed or cancelled meanwhile
    units = selectors.responsible_units(task)
    sent = 0
    for step in fired:
        try:
            with transaction.atomic():
                TaskEscalation.objects.create(task=task, step=step)
        except IntegrityError:
            continue  # another sweep sent this step
        recipients: list[User] = []
        if step.notify_handler:
            recipients += unit_people(units, Role.HANDLER)
        if step.notify_dept_head:
            recipients += unit_people(units, Role.DEPT_HEAD)
        if step.notify_supervisor:
            recipients += overseers(task.lead_unit, Role.SUPERVISOR)
        if step.notify_leader:
            recipients += overseers(task.lead_unit, Role.LEADER)
        word = ACTION_ZH.get(step.action, step.action)
        when = "即将到期" if step.offset_days < 0 else "已超期"
        events.task_escalated(task, level=step.level, action=step.action, note=f"{word}：{when}")
        notify(
            recipients,
            kind=f"tasklist.{step.action}",
            title=f"【{word}】营商环境任务“{task.title}”{when}",
            body=f"牵头单位：{task.lead_unit}；完成时限 {task.due_on:%Y-%m-%d}。",
            url=task_url(task),
            dedupe_key=f"tasklist-task:{task.pk}:{step.pk}",
            sms=step.sms,
        )
        sent += 1
    return sent


def _report_is_due(cycle: str, today: dt.date) -> bool:
    """Weekly reports are asked for from Thursday, monthly ones from the 20th."""
    return today.weekday() >= 3 if cycle == ReportCycle.WEEKLY else today.day >= 20


def remind_reports_due(now: dt.datetime | None = None) -> int:
    """Tell the responsible units of active tasks that have no report for the current
    week or month yet. Returns the number of tasks reminded (again: none)."""
    today = timezone.localdate(now or timezone.now())
    reminded = 0
    tasks = Task.objects.filter(status=TaskStatus.ACTIVE).select_related("lead_unit")
    for task in tasks:
        if not _report_is_due(task.cycle, today):
            continue
        start = period_start(task.cycle, today)
        if Report.objects.filter(task=task, period_start=start).exists():
            continue
        word = "本周" if task.cycle == ReportCycle.WEEKLY else "本月"
        created = notify(
            unit_people(selectors.responsible_units(task), Role.HANDLER, Role.DEPT_HEAD),
            kind="tasklist.report_due",
            title=f"请报送{word}进展：{task.title}",
            url=task_url(task),
            dedupe_key=f"tasklist-due:{task.pk}:{start.isoformat()}",
        )
        reminded += bool(created)
    return reminded
