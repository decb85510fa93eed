"""Timeline rows of liaison records, one function per event. Services call them inside
their own transaction."""

from typing import Any

from qinqing.liaison.models import (
    Activity,
    CheckIn,
    Difficulty,
    LiaisonEvent,
    PolicyPush,
    Round,
    Score,
    Stay,
    StayRequest,
    Verification,
    Visit,
)

EVENT_LABELS = {
    "liaison_assigned": "建立包联关系",
    "liaison_ended": "结束包联关系",
    "visit_recorded": "走访",
    "difficulty_raised": "反映困难问题",
    "difficulty_registered": "困难问题转为诉求",
    "policy_pushed": "对接政策",
    "round_opened": "启动驻企批次",
    "round_closed": "结束驻企批次",
    "stay_planned": "安排驻企",
    "checked_in": "签到",
    "checked_out": "签退",
    "evidence_recorded": "记录五个一",
    "verified": "督查核实",
    "scored": "企业评分",
    "request_filed": "企业提出申请",
    "request_decided": "审批企业申请",
    "activity_held": "举办政企活动",
}


def _record(
    subject: str, kind: str, *, actor: Any, enterprise_id: int | None = None, **data: Any
) -> LiaisonEvent:
    return LiaisonEvent.objects.create(
        subject=subject,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        enterprise_id=enterprise_id,
        data=data,
    )


def liaison_assigned(liaison_id: int, enterprise_id: int, *, actor: Any, role: str) -> None:
    _record(
        f"liaison:{liaison_id}",
        "liaison_assigned",
        actor=actor,
        enterprise_id=enterprise_id,
        role=role,
    )


def visit_recorded(visit: Visit, *, actor: Any) -> None:
    _record(f"visit:{visit.pk}", "visit_recorded", actor=actor, enterprise_id=visit.enterprise_id)


def difficulty_raised(difficulty: Difficulty, *, actor: Any) -> None:
    _record(
        f"difficulty:{difficulty.pk}",
        "difficulty_raised",
        actor=actor,
        enterprise_id=difficulty.enterprise_id,
    )


def difficulty_registered(difficulty: Difficulty, *, actor: Any) -> None:
    _record(
        f"difficulty:{difficulty.pk}",
        "difficulty_registered",
        actor=actor,
        enterprise_id=difficulty.enterprise_id,
        appeal=difficulty.appeal_id,
    )


def policy_pushed(push: PolicyPush, *, actor: Any) -> None:
    _record(
        f"push:{push.pk}",
        "policy_pushed",
        actor=actor,
        enterprise_id=push.enterprise_id,
        item=push.item_id,
    )


def round_moved(round_: Round, kind: str, *, actor: Any, before: str) -> None:
    LiaisonEvent.objects.create(
        subject=f"round:{round_.pk}",
        kind=kind,
        actor=actor,
        from_state=before,
        to_state=round_.status,
    )


def stay_planned(stay: Stay, *, actor: Any) -> None:
    _record(f"stay:{stay.pk}", "stay_planned", actor=actor, enterprise_id=stay.enterprise_id)


def checked(check: CheckIn, *, actor: Any) -> None:
    _record(
        f"stay:{check.stay_id}",
        "checked_in" if check.kind == "in" else "checked_out",
        actor=actor,
        distance_m=check.distance_m,
        in_range=check.in_range,
    )


def evidence_recorded(stay: Stay, task: str, *, actor: Any) -> None:
    _record(f"stay:{stay.pk}", "evidence_recorded", actor=actor, task=task)


def verified(verification: Verification, *, actor: Any) -> None:
    _record(
        f"stay:{verification.stay_id}",
        "verified",
        actor=actor,
        result=verification.result,
        day=verification.day.isoformat(),
    )


def scored(score: Score, *, actor: Any) -> None:
    _record(f"stay:{score.stay_id}", "scored", actor=actor, total=str(score.total))


def request_filed(request: StayRequest, *, actor: Any) -> None:
    _record(
        f"request:{request.pk}",
        "request_filed",
        actor=actor,
        enterprise_id=request.enterprise_id,
        request_kind=request.kind,
    )


def request_decided(request: StayRequest, *, actor: Any) -> None:
    LiaisonEvent.objects.create(
        subject=f"request:{request.pk}",
        kind="request_decided",
        actor=actor,
        from_state="pending",
        to_state=request.status,
        note=request.decision_note,
        enterprise_id=request.enterprise_id,
    )


def activity_held(activity: Activity, *, actor: Any) -> None:
    _record(f"activity:{activity.pk}", "activity_held", actor=actor)


def label(kind: str) -> str:
    return EVENT_LABELS.get(kind, kind)
