"""Writes of the task list: one atomic function per use case, each checking who may act,
leaving a timeline row and notifying after commit."""

from qinqing.tasklist.services.findings import (
    record_finding,
    review_rectification,
    submit_rectification,
    sweep_overdue_findings,
)
from qinqing.tasklist.services.sweep import remind_reports_due, sweep_overdue_tasks
from qinqing.tasklist.services.work import (
    STANDARD_INDICATORS,
    PlanLine,
    add_comment,
    cancel_task,
    create_indicator,
    create_task,
    report_progress,
    set_up_indicators,
)

__all__ = [
    "STANDARD_INDICATORS",
    "PlanLine",
    "add_comment",
    "cancel_task",
    "create_indicator",
    "create_task",
    "record_finding",
    "remind_reports_due",
    "report_progress",
    "review_rectification",
    "set_up_indicators",
    "submit_rectification",
    "sweep_overdue_findings",
    "sweep_overdue_tasks",
]
