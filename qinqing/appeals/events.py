"""Timeline rows of an appeal. Services write them in their own transaction; each is
announced to the listeners registered in appeals/hooks.py after commit."""

from typing import Any

from qinqing.appeals import hooks
from qinqing.appeals.models import Appeal, AppealEvent

# kind -> label on the timeline (Chinese, shown to people)
EVENT_LABELS = {
    "registered": "受理",
    "dispatched": "派单",
    "acknowledged": "签收",
    "assist_acknowledged": "协办签收",
    "returned": "退回",
    "contacted": "联系企业",
    "replied": "答复",
    "called_back": "回访",
    "closed": "办结",
    "reopened": "重办",
    "suspended": "挂起",
    "resumed": "恢复办理",
    "withdrawn": "撤回",
    "duplicate": "标记重复件",
    "merged": "并入重复件",
    "urged": "催办",
    "supervised": "督办",
    "extension_requested": "申请延期",
    "extension_approved": "同意延期",
    "extension_refused": "不同意延期",
    "consulted": "会商",
    "attached": "上传附件",
    "deadline_warning": "时限预警",
}


def build(
    appeal: Appeal,
    kind: str,
    *,
    actor: Any,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    staff_only: bool = False,
    **data: Any,
) -> AppealEvent:
    """The timeline row, not yet written (write it, then `announce_written`)."""
    return AppealEvent(
        appeal=appeal,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        from_state=from_state,
        to_state=to_state or from_state,
        note=note,
        staff_only=staff_only,
        data=data,
    )


def announce_written(event: AppealEvent) -> None:
    """Tell the listeners (after the transaction commits) of a row just written."""
    hooks.announce(
        event.kind, event.pk, appeal_id=event.appeal_id, category_id=event.appeal.category_id
    )


def record(appeal: Appeal, kind: str, *, actor: Any, **fields: Any) -> AppealEvent:
    """Write the timeline row (the fields of `build`) and tell the listeners."""
    event = build(appeal, kind, actor=actor, **fields)
    event.save(force_insert=True)
    announce_written(event)
    return event


def label(kind: str) -> str:
    return EVENT_LABELS.get(kind, kind)
