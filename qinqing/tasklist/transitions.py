"""Allowed status changes of tasks and findings. Services call `check_task` and
`check_finding`; the tables are the only gate."""

from django.core.exceptions import ValidationError

from qinqing.tasklist.models import FindingStatus, TaskStatus

TASK_STATUS_ZH: dict[str, str] = {
    TaskStatus.ACTIVE: "推进中",
    TaskStatus.DONE: "已完成",
    TaskStatus.CANCELLED: "已撤销",
}
FINDING_STATUS_ZH: dict[str, str] = {
    FindingStatus.OPEN: "待整改",
    FindingStatus.SUBMITTED: "已报整改",
    FindingStatus.ACCEPTED: "整改通过",
    FindingStatus.RETURNED: "退回重改",
}

# action -> (label, allowed sources, target)
TASK_TRANSITIONS: dict[str, tuple[str, frozenset[str], str]] = {
    "complete": ("报送完成", frozenset({TaskStatus.ACTIVE}), TaskStatus.DONE),
    "cancel": ("撤销任务", frozenset({TaskStatus.ACTIVE}), TaskStatus.CANCELLED),
    "report": ("报送进展", frozenset({TaskStatus.ACTIVE}), TaskStatus.ACTIVE),
}
FINDING_TRANSITIONS: dict[str, tuple[str, frozenset[str], str]] = {
    "submit": (
        "报送整改情况",
        frozenset({FindingStatus.OPEN, FindingStatus.RETURNED}),
        FindingStatus.SUBMITTED,
    ),
    "accept": ("验收通过", frozenset({FindingStatus.SUBMITTED}), FindingStatus.ACCEPTED),
    "return": ("退回重改", frozenset({FindingStatus.SUBMITTED}), FindingStatus.RETURNED),
}


class TransitionError(ValidationError):
    """An illegal step, with a message for people."""


def check_task(action: str, status: str) -> str:
    label, sources, target = TASK_TRANSITIONS[action]
    if status not in sources:
        raise TransitionError(
            {"status": f"任务当前状态为“{TASK_STATUS_ZH.get(status, status)}”，不能{label}。"}
        )
    return target


def check_finding(action: str, status: str) -> str:
    label, sources, target = FINDING_TRANSITIONS[action]
    if status not in sources:
        raise TransitionError(
            {"status": f"问题当前状态为“{FINDING_STATUS_ZH.get(status, status)}”，不能{label}。"}
        )
    return target
