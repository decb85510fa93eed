"""Allowed status changes of rounds and enterprise requests. Services call `check()`."""

from django.core.exceptions import ValidationError

from qinqing.liaison.models import RequestStatus, RoundStatus

ROUND_STATUS_ZH = {
    RoundStatus.DRAFT: "筹备中",
    RoundStatus.OPEN: "进行中",
    RoundStatus.CLOSED: "已结束",
}
REQUEST_STATUS_ZH = {
    RequestStatus.PENDING: "待审批",
    RequestStatus.APPROVED: "已同意",
    RequestStatus.REFUSED: "未同意",
}

# action -> (label, allowed sources, target)
ROUND_TRANSITIONS: dict[str, tuple[str, frozenset[str], str]] = {
    "open": ("启动批次", frozenset({RoundStatus.DRAFT}), RoundStatus.OPEN),
    "close": ("结束批次", frozenset({RoundStatus.OPEN}), RoundStatus.CLOSED),
}
REQUEST_TRANSITIONS: dict[str, tuple[str, frozenset[str], str]] = {
    "approve": ("同意", frozenset({RequestStatus.PENDING}), RequestStatus.APPROVED),
    "refuse": ("不同意", frozenset({RequestStatus.PENDING}), RequestStatus.REFUSED),
}


class TransitionError(ValidationError):
    """An illegal step, with a message for people."""


def check_round(action: str, status: str) -> str:
    label, sources, target = ROUND_TRANSITIONS[action]
    if status not in sources:
        raise TransitionError(
            f"批次当前状态为“{ROUND_STATUS_ZH.get(status, status)}”，不能{label}。"
        )
    return target


def check_request(action: str, status: str) -> str:
    label, sources, target = REQUEST_TRANSITIONS[action]
    if status not in sources:
        raise TransitionError(f"该申请已{REQUEST_STATUS_ZH.get(status, status)}，不能再{label}。")
    return target
