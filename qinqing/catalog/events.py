"""Timeline rows of a matter. Services write them in their own transaction."""

from typing import Any

from qinqing.catalog.models import Matter, MatterEvent

EVENT_LABELS = {
    "submitted": "申请",
    "registered": "窗口登记",
    "proxied": "帮办代办",
    "accepted": "受理",
    "accepted_missing": "容缺受理",
    "not_accepted": "不予受理",
    "review_started": "开始审查",
    "correction_requested": "退回补正",
    "resubmitted": "补正提交",
    "missing_supplied": "补交容缺材料",
    "auto_decided": "秒批",
    "auto_declined": "秒批条件未满足，转人工审查",
    "approved": "办结（准予）",
    "refused": "办结（不予许可）",
    "withdrawn": "撤回",
    "certificate_issued": "生成电子证照",
    "flagged": "负面行为预警",
}


def record(
    matter: Matter,
    kind: str,
    *,
    actor: Any,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    **data: Any,
) -> MatterEvent:
    return MatterEvent.objects.create(
        matter=matter,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        from_state=from_state,
        to_state=to_state or from_state,
        note=note,
        data=data,
    )


def label(kind: str) -> str:
    return EVENT_LABELS.get(kind, kind)
