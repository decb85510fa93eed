"""Timeline rows of tasks and findings, one function per event. Services call them
inside their own transaction."""

from typing import Any

from qinqing.tasklist.models import Finding, Report, Task, TasklistEvent

EVENT_LABELS = {
    "task_assigned": "下达任务",
    "task_reported": "报送进展",
    "task_completed": "报送完成",
    "task_cancelled": "撤销任务",
    "task_escalated": "超期预警/督办",
    "task_commented": "领导讲评",
    "finding_recorded": "记录问题",
    "finding_submitted": "报送整改情况",
    "finding_accepted": "整改验收通过",
    "finding_returned": "整改退回",
    "finding_overdue": "整改超期",
    "active": "推进中",
    "done": "已完成",
    "cancelled": "已撤销",
    "open": "待整改",
    "submitted": "已报整改",
    "accepted": "整改通过",
    "returned": "退回重改",
}


def _record(
    subject: str,
    kind: str,
    *,
    actor: Any,
    before: str = "",
    after: str = "",
    note: str = "",
    **data: Any,
) -> TasklistEvent:
    return TasklistEvent.record(
        kind, actor=actor, from_state=before, to_state=after, note=note, data=data,
        subject=subject,
    )  # fmt: skip


def task_assigned(task: Task, *, actor: Any) -> None:
    _record(f"task:{task.pk}", "task_assigned", actor=actor, after=task.status)


def task_reported(report: Report, *, actor: Any) -> None:
    value = str(report.achieved_value) if report.achieved_value is not None else None
    _record(f"task:{report.task_id}", "task_reported", actor=actor, report=report.pk, value=value)


def task_moved(task: Task, kind: str, *, actor: Any, before: str, note: str = "") -> None:
    _record(f"task:{task.pk}", kind, actor=actor, before=before, after=task.status, note=note)


def task_escalated(task: Task, *, level: int, action: str, note: str) -> None:
    _record(f"task:{task.pk}", "task_escalated", actor=None, note=note, level=level, action=action)


def task_commented(task: Task, *, actor: Any, comment_id: int) -> None:
    _record(f"task:{task.pk}", "task_commented", actor=actor, comment=comment_id)


def finding_recorded(finding: Finding, *, actor: Any) -> None:
    _record(
        f"finding:{finding.pk}",
        "finding_recorded",
        actor=actor,
        after=finding.status,
        due_at=finding.due_at.isoformat(),
    )


def finding_moved(finding: Finding, kind: str, *, actor: Any, before: str, note: str = "") -> None:
    _record(
        f"finding:{finding.pk}", kind, actor=actor, before=before, after=finding.status, note=note
    )


def finding_overdue(finding: Finding) -> None:
    _record(f"finding:{finding.pk}", "finding_overdue", actor=None)


def timeline(subject: str) -> list[TasklistEvent]:
    return list(TasklistEvent.objects.filter(subject=subject).select_related("actor"))
