"""The one table of allowed steps on a matter (办件). Services call `check()` first."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from qinqing.catalog.models import MatterStatus

S = MatterStatus

STATUS_ZH = {
    S.SUBMITTED: "待受理",
    S.ACCEPTED: "已受理",
    S.REVIEWING: "审查中",
    S.CORRECTING: "补正中",
    S.APPROVED: "已办结（准予）",
    S.REFUSED: "已办结（不予许可）",
    S.NOT_ACCEPTED: "不予受理",
    S.WITHDRAWN: "已撤回",
}


@dataclass(frozen=True)
class Step:
    label: str  # Chinese, for messages and the timeline
    sources: frozenset[str]
    target: str | None  # None: the status does not change


_UNDER_REVIEW = frozenset({S.ACCEPTED, S.REVIEWING})

TRANSITIONS: dict[str, Step] = {
    "submit": Step("申请", frozenset({""}), S.SUBMITTED),
    "accept": Step("受理", frozenset({S.SUBMITTED}), S.ACCEPTED),
    "not_accept": Step("不予受理", frozenset({S.SUBMITTED}), S.NOT_ACCEPTED),
    "review": Step("开始审查", frozenset({S.ACCEPTED}), S.REVIEWING),
    "request_correction": Step("退回补正", _UNDER_REVIEW, S.CORRECTING),
    "resubmit": Step("补正提交", frozenset({S.CORRECTING}), S.REVIEWING),
    "supply_missing": Step("补交容缺材料", _UNDER_REVIEW, None),
    "approve": Step("办结（准予）", _UNDER_REVIEW, S.APPROVED),
    "refuse": Step("办结（不予许可）", _UNDER_REVIEW, S.REFUSED),
    "withdraw": Step("撤回", frozenset({S.SUBMITTED, S.ACCEPTED, S.CORRECTING}), S.WITHDRAWN),
}


class TransitionError(ValidationError):
    """An illegal step: the message says what the matter's status allows."""


def check(action: str, status: str) -> Step:
    step = TRANSITIONS[action]
    if status not in step.sources:
        label = STATUS_ZH.get(status, "未申请")
        allowed = [TRANSITIONS[a].label for a in allowed_actions(status) if a != "submit"]
        hint = "当前可执行：" + "、".join(allowed) + "。" if allowed else "该办件已结束。"
        raise TransitionError(f"办件当前状态为“{label}”，不能执行“{step.label}”。{hint}")
    return step


def allowed_actions(status: str) -> list[str]:
    return [name for name, step in TRANSITIONS.items() if status in step.sources]
