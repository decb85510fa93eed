"""The one table of allowed status changes of a 周调度 item. Services call `check()`."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from qinqing.projects.models import ItemStatus

S = ItemStatus

STATUS_ZH: dict[str, str] = {S.OPEN: "推进中", S.DONE: "已完成", S.CANCELLED: "已取消"}


@dataclass(frozen=True)
class Step:
    label: str
    sources: frozenset[str]
    target: str


TRANSITIONS: dict[str, Step] = {
    "complete": Step("完成", frozenset({S.OPEN}), S.DONE),
    "cancel": Step("取消", frozenset({S.OPEN}), S.CANCELLED),
    "reopen": Step("重新打开", frozenset({S.DONE, S.CANCELLED}), S.OPEN),
}


def check(action: str, status: str) -> Step:
    step = TRANSITIONS[action]
    if status not in step.sources:
        raise ValidationError(
            {"status": f"调度事项当前为“{STATUS_ZH.get(status, status)}”，不能{step.label}。"}
        )
    return step
