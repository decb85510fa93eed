"""The one table of allowed steps on an appeal. Services call `check()` before changing
anything; an illegal step raises TransitionError with a message for people."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from qinqing.appeals.models import OPEN_STATUSES, Status

S = Status

STATUS_ZH = {
    S.REGISTERED: "已受理",
    S.DISPATCHED: "已派单",
    S.RETURNED: "已退回",
    S.ACKNOWLEDGED: "已签收",
    S.HANDLING: "办理中",
    S.SUSPENDED: "已挂起",
    S.REPLIED: "已答复",
    S.CALLED_BACK: "已回访",
    S.CLOSED: "已办结",
    S.WITHDRAWN: "已撤回",
    S.DUPLICATE: "重复件",
}


@dataclass(frozen=True)
class Step:
    label: str  # Chinese, for messages and the timeline
    sources: frozenset[str]
    target: str | None  # None: the status does not change (resume: back to where it was)


_WORKING = frozenset({S.ACKNOWLEDGED, S.HANDLING})
_BEFORE_HANDLING = frozenset({S.REGISTERED, S.DISPATCHED, S.RETURNED})
_OPEN = frozenset(OPEN_STATUSES)

TRANSITIONS: dict[str, Step] = {
    "register": Step("受理", frozenset({""}), S.REGISTERED),
    "dispatch": Step("派单", frozenset({S.REGISTERED, S.RETURNED}), S.DISPATCHED),
    "acknowledge": Step("签收", frozenset({S.DISPATCHED}), S.ACKNOWLEDGED),
    "return": Step("退回", frozenset({S.DISPATCHED}), S.RETURNED),
    "contact": Step("联系企业", frozenset({S.ACKNOWLEDGED}), S.HANDLING),
    "reply": Step("答复", frozenset({S.HANDLING}), S.REPLIED),
    "call_back": Step("回访", frozenset({S.REPLIED}), S.CALLED_BACK),
    "close": Step("办结", frozenset({S.CALLED_BACK}), S.CLOSED),
    "reopen": Step("重办", frozenset({S.CALLED_BACK}), S.HANDLING),
    "suspend": Step("挂起", _WORKING, S.SUSPENDED),
    "resume": Step("恢复", frozenset({S.SUSPENDED}), None),
    "withdraw": Step("撤回", _BEFORE_HANDLING, S.WITHDRAWN),
    "mark_duplicate": Step("标记重复件", _BEFORE_HANDLING, S.DUPLICATE),
    # Steps that leave the status as it is:
    "acknowledge_assist": Step("协办签收", frozenset({S.DISPATCHED, *_WORKING}), None),
    "urge": Step("催办", _OPEN - {S.REGISTERED}, None),
    "supervise": Step("督办", _OPEN - {S.REGISTERED}, None),
    "request_extension": Step("申请延期", frozenset({S.DISPATCHED, *_WORKING, S.REPLIED}), None),
    "decide_extension": Step("审批延期", _OPEN, None),
    "consult": Step("会商", _OPEN, None),
    "attach": Step("上传附件", _OPEN, None),
}


class TransitionError(ValidationError):
    """An illegal step: the message says what the appeal's status allows."""


def check(action: str, status: str) -> Step:
    step = TRANSITIONS[action]
    if status not in step.sources:
        label = STATUS_ZH.get(status, "未受理")
        raise TransitionError(
            f"诉求当前状态为“{label}”，不能执行“{step.label}”。{_allowed_hint(status)}"
        )
    return step


def allowed_actions(status: str) -> list[str]:
    return [name for name, step in TRANSITIONS.items() if status in step.sources]


def _allowed_hint(status: str) -> str:
    labels = [TRANSITIONS[a].label for a in allowed_actions(status) if a != "register"]
    if not labels:
        return "该诉求已结束，不能再操作。"
    return "当前可执行：" + "、".join(labels) + "。"
