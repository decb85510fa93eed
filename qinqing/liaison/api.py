"""包联, 走访, 四帮一体验 and 政企活动 for other systems. Access goes through the same
selectors and services as the pages."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from qinqing.accounts.models import Organisation, User
from qinqing.accounts.permissions import ensure
from qinqing.enterprises.models import Enterprise
from qinqing.liaison import figures, selectors, services, stationing
from qinqing.liaison.models import (
    ActivitySeries,
    Difficulty,
    Liaison,
    PolicyPush,
    Stay,
    StayRequest,
    Visit,
)
from qinqing.liaison.schemas import (
    ActivityCreate,
    ActivityRead,
    CheckInCreate,
    CheckInRead,
    DifficultyCreate,
    DifficultyRead,
    EvidenceCreate,
    FiguresRead,
    LiaisonCreate,
    LiaisonRead,
    NoteCreate,
    OutcomeCreate,
    RequestCreate,
    RequestDecision,
    RequestRead,
    RoundCreate,
    RoundRead,
    ScoreCreate,
    ScoreRead,
    StayCreate,
    StayRead,
    TaskRead,
    VerificationRead,
    VerificationUpdate,
    VisitCreate,
    VisitRead,
)

router = Router(tags=["liaison"])
PAGE = 200


def _staff(request: HttpRequest) -> None:
    ensure(selectors.is_cadre(request.user), request, request.user, "api:liaison_staff")


def _enterprise(request: HttpRequest, enterprise_id: int) -> Enterprise:
    return get_object_or_404(selectors.enterprises_visible_to(request.user), pk=enterprise_id)


def _liaison_read(item: Liaison) -> dict[str, Any]:
    return {
        "id": item.pk,
        "enterprise_id": item.enterprise_id,
        "enterprise_name": item.enterprise.name,
        "role": item.role,
        "cadre_id": item.cadre_id,
        "cadre_name": item.cadre.display_name if item.cadre else "",
        "organisation_id": item.organisation_id,
        "starts_on": item.starts_on,
        "ends_on": item.ends_on,
    }


def _difficulty_read(d: Difficulty) -> dict[str, Any]:
    return {
        "id": d.pk,
        "enterprise_id": d.enterprise_id,
        "title": d.title,
        "money": d.money,
        "appeal_number": d.appeal.number if d.appeal else None,
        "appeal_status": d.appeal.status if d.appeal else None,
    }


def _visit_read(v: Visit) -> dict[str, Any]:
    return {
        "id": v.pk,
        "enterprise_id": v.enterprise_id,
        "enterprise_name": v.enterprise.name,
        "cadre_id": v.cadre_id,
        "cadre_name": v.cadre.display_name,
        "visited_on": v.visited_on,
        "people_met": v.people_met,
        "discussion": v.discussion,
        "difficulties": [_difficulty_read(d) for d in v.difficulties.select_related("appeal")],
    }


def _stay_read(s: Stay) -> dict[str, Any]:
    score = getattr(s, "score", None)
    return {
        "id": s.pk,
        "round_id": s.round_id,
        "cadre_id": s.cadre_id,
        "cadre_name": s.cadre.display_name,
        "department_id": s.department_id,
        "enterprise_id": s.enterprise_id,
        "enterprise_name": s.enterprise.name,
        "starts_on": s.starts_on,
        "ends_on": s.ends_on,
        "score": score.total if score else None,
    }


def _request_read(r: StayRequest) -> dict[str, Any]:
    return {
        "id": r.pk,
        "round_id": r.round_id,
        "enterprise_id": r.enterprise_id,
        "kind": r.kind,
        "status": r.status,
        "days": r.days,
        "cadre_name": r.cadre_name,
        "decision_note": r.decision_note,
    }


# --- 包联 -------------------------------------------------------------------------------
@router.get("/assignments", response=list[LiaisonRead], summary="Liaison assignments visible to me")
def list_assignments(request: HttpRequest) -> list[dict[str, Any]]:
    qs = selectors.liaisons_visible_to(request.user).select_related("enterprise", "cadre")
    return [_liaison_read(i) for i in qs[:PAGE]]


@router.post("/assignments", response={201: LiaisonRead}, summary="Assign a liaison")
def create_assignment(request: HttpRequest, payload: LiaisonCreate) -> Status:
    enterprise = get_object_or_404(Enterprise, pk=payload.enterprise_id)
    cadre = get_object_or_404(User, pk=payload.cadre_id) if payload.cadre_id else None
    org = (
        get_object_or_404(Organisation, pk=payload.organisation_id)
        if payload.organisation_id
        else None
    )
    item = services.assign_liaison(
        enterprise,
        actor=request.user,
        role=payload.role,
        cadre=cadre,
        organisation=org,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
    )
    return Status(201, _liaison_read(item))


@router.get("/coverage", response=FiguresRead, summary="Coverage of a pool (q:<kind> or p:<id>)")
def get_coverage(request: HttpRequest, pool: str = "q:above_scale") -> dict[str, Any]:
    ensure(selectors.oversees(request.user), request, request.user, "api:liaison_coverage")
    result = figures.coverage(pool, user=request.user)
    result["uncovered"] = [{"id": e.pk, "name": e.name} for e in result["uncovered"]]
    return {"figures": result}


@router.get("/not-visited", response=FiguresRead, summary="Enterprises not visited for N days")
def get_not_visited(request: HttpRequest, days: int = 30) -> dict[str, Any]:
    _staff(request)
    return {
        "figures": {
            "days": days,
            "enterprises": figures.not_visited(user=request.user, days=min(max(days, 1), 3650)),
        }
    }


@router.get("/overview", response=FiguresRead, summary="The cockpit's liaison figures")
def get_overview(request: HttpRequest, pool: str = "q:above_scale") -> dict[str, Any]:
    ensure(selectors.oversees(request.user), request, request.user, "api:liaison_overview")
    return {"figures": figures.cockpit_summary(request.user, pool=pool)}


# --- 走访 ----------------------------------------------------------------------------------
@router.get("/visits", response=list[VisitRead], summary="Visits visible to me")
def list_visits(request: HttpRequest) -> list[dict[str, Any]]:
    qs = selectors.visits_visible_to(request.user).select_related("enterprise", "cadre")
    return [_visit_read(v) for v in qs[:PAGE]]


@router.post("/visits", response={201: VisitRead}, summary="Record a visit")
def create_visit(request: HttpRequest, payload: VisitCreate) -> Status:
    _staff(request)
    enterprise = _enterprise(request, payload.enterprise_id)
    visit = services.record_visit(
        enterprise,
        actor=request.user,
        visited_on=payload.visited_on,
        people_met=payload.people_met,
        discussion=payload.discussion,
    )
    return Status(201, _visit_read(visit))


@router.get("/visits/{visit_id}", response=VisitRead)
def get_visit(request: HttpRequest, visit_id: int) -> dict[str, Any]:
    return _visit_read(selectors.access_visit(request.user, visit_id))


@router.post(
    "/visits/{visit_id}/difficulties",
    response={201: DifficultyRead},
    summary="Raise a difficulty found on the visit (becomes an appeal)",
)
def visit_difficulty(request: HttpRequest, visit_id: int, payload: DifficultyCreate) -> Status:
    visit = selectors.access_visit(request.user, visit_id)
    d = services.raise_difficulty(
        visit.enterprise,
        actor=request.user,
        visit=visit,
        title=payload.title,
        description=payload.description,
        money=payload.money,
    )
    return Status(201, _difficulty_read(d))


# --- 四帮一体验 ------------------------------------------------------------------------------
@router.get("/rounds", response=list[RoundRead])
def list_rounds(request: HttpRequest) -> list[Any]:
    return list(selectors.rounds_visible_to(request.user)[:PAGE])


@router.post("/rounds", response={201: RoundRead})
def create_round(request: HttpRequest, payload: RoundCreate) -> Status:
    return Status(201, stationing.create_round(actor=request.user, **payload.dict()))


@router.post("/rounds/{round_id}/open", response=RoundRead)
def open_round(request: HttpRequest, round_id: int) -> Any:
    return stationing.open_round(selectors.access_round(request.user, round_id), actor=request.user)


@router.post("/rounds/{round_id}/close", response=RoundRead)
def close_round(request: HttpRequest, round_id: int) -> Any:
    return stationing.close_round(
        selectors.access_round(request.user, round_id), actor=request.user
    )


@router.get("/rounds/{round_id}/report", response=FiguresRead, summary="The round report")
def round_report(request: HttpRequest, round_id: int) -> dict[str, Any]:
    round_ = selectors.access_round(request.user, round_id)
    ensure(selectors.oversees(request.user), request, request.user, "api:round_report")
    report = figures.round_report(
        round_, selectors.stays_visible_to(request.user).filter(round=round_)
    )
    report["money"] = str(report["money"])
    report["average_score"] = (
        str(report["average_score"]) if report["average_score"] is not None else None
    )
    report["tasks"] = [[str(label), n] for label, n in report["tasks"]]
    return {"figures": report}


@router.post("/rounds/{round_id}/stays", response={201: StayRead})
def plan_stay(request: HttpRequest, round_id: int, payload: StayCreate) -> Status:
    round_ = selectors.access_round(request.user, round_id)
    stay = stationing.plan_stay(
        round_,
        actor=request.user,
        cadre=get_object_or_404(User, pk=payload.cadre_id),
        enterprise=get_object_or_404(Enterprise, pk=payload.enterprise_id),
        starts_on=payload.starts_on,
        days=payload.days,
    )
    return Status(201, _stay_read(stay))


@router.post(
    "/rounds/{round_id}/sample",
    response=list[VerificationRead],
    summary="Draw today's random sample of stays to verify",
)
def draw_sample(request: HttpRequest, round_id: int) -> list[Any]:
    round_ = selectors.access_round(request.user, round_id)
    return stationing.draw_sample(round_, actor=request.user)


@router.post("/verifications/{verification_id}", response=VerificationRead)
def record_verification(
    request: HttpRequest, verification_id: int, payload: VerificationUpdate
) -> Any:
    v = get_object_or_404(selectors.verifications_visible_to(request.user), pk=verification_id)
    return stationing.record_verification(v, actor=request.user, **payload.dict())


@router.get("/stays", response=list[StayRead])
def list_stays(request: HttpRequest) -> list[dict[str, Any]]:
    qs = selectors.stays_visible_to(request.user).select_related("cadre", "enterprise", "score")
    return [_stay_read(s) for s in qs[:PAGE]]


@router.get("/stays/{stay_id}", response=StayRead)
def get_stay(request: HttpRequest, stay_id: int) -> dict[str, Any]:
    return _stay_read(selectors.access_stay(request.user, stay_id))


@router.post(
    "/stays/{stay_id}/checkins",
    response={201: CheckInRead},
    summary="Check in or out (kind in/out) with the device's location",
)
def check_in(request: HttpRequest, stay_id: int, payload: CheckInCreate) -> Status:
    stay = selectors.access_stay(request.user, stay_id)
    check = stationing.check_in(
        stay,
        actor=request.user,
        kind=payload.kind,
        lat=payload.lat,
        lng=payload.lng,
        accuracy=payload.accuracy,
    )
    return Status(
        201,
        {
            "id": check.pk,
            "day": check.day,
            "kind": check.kind,
            "distance_m": check.distance_m,
            "in_range": check.in_range,
            "message": stationing.checkin_message(check, stay.round.radius_m),
        },
    )


@router.post("/stays/{stay_id}/notes", response={201: NoteCreate})
def write_note(request: HttpRequest, stay_id: int, payload: NoteCreate) -> Status:
    stay = selectors.access_stay(request.user, stay_id)
    note = stationing.write_note(stay, actor=request.user, text=payload.text)
    return Status(201, {"text": note.text})


@router.get("/stays/{stay_id}/checklist", response=list[TaskRead], summary="The 五个一 checklist")
def get_checklist(request: HttpRequest, stay_id: int) -> list[dict[str, Any]]:
    stay = selectors.access_stay(request.user, stay_id)
    return [
        {
            "task": r["task"],
            "label": str(r["label"]),
            "done": r["done"],
            "evidence": len(r["evidence"]),
        }
        for r in figures.checklist(stay)
    ]


@router.post("/stays/{stay_id}/evidence", response={201: list[TaskRead]})
def record_evidence(request: HttpRequest, stay_id: int, payload: EvidenceCreate) -> Status:
    stay = selectors.access_stay(request.user, stay_id)
    stationing.record_evidence(
        stay,
        actor=request.user,
        task=payload.task,
        text=payload.text,
        on_date=payload.on_date,
        difficulty=Difficulty.objects.filter(pk=payload.difficulty_id, stay=stay).first()
        if payload.difficulty_id
        else None,
        push=PolicyPush.objects.filter(pk=payload.push_id, stay=stay).first()
        if payload.push_id
        else None,
    )
    return Status(201, get_checklist(request, stay_id))


@router.post("/stays/{stay_id}/difficulties", response={201: DifficultyRead})
def stay_difficulty(request: HttpRequest, stay_id: int, payload: DifficultyCreate) -> Status:
    stay = selectors.access_stay(request.user, stay_id)
    d = services.raise_difficulty(
        stay.enterprise,
        actor=request.user,
        stay=stay,
        title=payload.title,
        description=payload.description,
        money=payload.money,
    )
    stationing.record_evidence(stay, actor=request.user, task="problem", difficulty=d)
    return Status(201, _difficulty_read(d))


@router.post(
    "/stays/{stay_id}/score",
    response={201: ScoreRead},
    summary="The host enterprise scores its cadre (once)",
)
def score_stay(request: HttpRequest, stay_id: int, payload: ScoreCreate) -> Status:
    stay = selectors.access_stay(request.user, stay_id)
    score = stationing.score_stay(
        stay, actor=request.user, items=payload.items, comment=payload.comment
    )
    return Status(
        201,
        {
            "stay_id": stay.pk,
            "total": score.total,
            "items": score.items,
            "rating_id": score.rating_id,
        },
    )


@router.get("/requests", response=list[RequestRead])
def list_requests(request: HttpRequest) -> list[dict[str, Any]]:
    return [_request_read(r) for r in selectors.requests_visible_to(request.user)[:PAGE]]


@router.post("/requests", response={201: RequestRead}, summary="加期 or 要人")
def file_request(request: HttpRequest, payload: RequestCreate) -> Status:
    round_ = selectors.access_round(request.user, payload.round_id)
    stay = (
        selectors.stays_visible_to(request.user).filter(pk=payload.stay_id).first()
        if payload.stay_id
        else None
    )
    r = stationing.file_request(
        round_,
        actor=request.user,
        kind=payload.kind,
        reason=payload.reason,
        stay=stay,
        cadre_name=payload.cadre_name,
        days=payload.days,
    )
    return Status(201, _request_read(r))


@router.post("/requests/{request_id}/decision", response=RequestRead)
def decide_request(
    request: HttpRequest, request_id: int, payload: RequestDecision
) -> dict[str, Any]:
    r = get_object_or_404(selectors.requests_visible_to(request.user), pk=request_id)
    return _request_read(
        stationing.decide_request(r, actor=request.user, approve=payload.approve, note=payload.note)
    )


# --- 政企活动 -------------------------------------------------------------------------------
@router.get("/activities", response=list[ActivityRead])
def list_activities(request: HttpRequest) -> list[Any]:
    return list(selectors.activities_visible_to(request.user)[:PAGE])


@router.post("/activities", response={201: ActivityRead})
def create_activity(request: HttpRequest, payload: ActivityCreate) -> Status:
    activity = services.create_activity(
        actor=request.user,
        kind=payload.kind,
        title=payload.title,
        organiser=get_object_or_404(Organisation, pk=payload.organiser_id),
        held_on=payload.held_on,
        place=payload.place,
        series=get_object_or_404(ActivitySeries, pk=payload.series_id)
        if payload.series_id
        else None,
        invited=list(Enterprise.objects.filter(pk__in=payload.invited_ids[:500])),
    )
    return Status(201, activity)


@router.post("/activities/{activity_id}/signup", response={201: dict[str, int]})
def sign_up(request: HttpRequest, activity_id: int, enterprise_id: int | None = None) -> Status:
    activity = selectors.access_activity(request.user, activity_id)
    enterprise = get_object_or_404(Enterprise, pk=enterprise_id) if enterprise_id else None
    p = services.sign_up(activity, actor=request.user, enterprise=enterprise)
    return Status(201, {"activity_id": activity.pk, "enterprise_id": p.enterprise_id})


@router.post("/activities/{activity_id}/outcomes", response={201: dict[str, int]})
def record_outcome(request: HttpRequest, activity_id: int, payload: OutcomeCreate) -> Status:
    activity = selectors.access_activity(request.user, activity_id)
    o = services.record_outcome(
        activity,
        get_object_or_404(Enterprise, pk=payload.enterprise_id),
        actor=request.user,
        kind=payload.kind,
        bank=payload.bank,
        amount=payload.amount,
        count=payload.count,
    )
    return Status(201, {"id": o.pk})


@router.post("/activities/{activity_id}/difficulties", response={201: DifficultyRead})
def activity_difficulty(
    request: HttpRequest, activity_id: int, enterprise_id: int, payload: DifficultyCreate
) -> Status:
    activity = selectors.access_activity(request.user, activity_id)
    d = services.raise_difficulty(
        get_object_or_404(Enterprise, pk=enterprise_id),
        actor=request.user,
        activity=activity,
        title=payload.title,
        description=payload.description,
        money=payload.money,
    )
    return Status(201, _difficulty_read(d))


@router.get(
    "/series/{series_id}/figures",
    response=FiguresRead,
    summary="Computed figures of an activity series (期, 企业, 诉求, 已解决)",
)
def series_figures(request: HttpRequest, series_id: int) -> dict[str, Any]:
    series = get_object_or_404(selectors.series_visible_to(request.user), pk=series_id)
    return {"figures": figures.series_figures(series)}
