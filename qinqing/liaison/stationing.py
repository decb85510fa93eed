"""Writes of 四帮一体验 stationing rounds: rounds, stays, daily check-ins and notes, the
五个一 evidence, random verification, the enterprise's score and its 加期 / 要人 requests."""

import datetime as dt
import random
import secrets
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from qinqing.accounts.models import Membership, OrgKind, User
from qinqing.accounts.permissions import deny as _deny
from qinqing.accounts.permissions import enterprise_uscc
from qinqing.core.notify import notify
from qinqing.enterprises.models import Enterprise
from qinqing.liaison import events, selectors
from qinqing.liaison.geo import describe_distance, haversine_m, valid_point
from qinqing.liaison.models import (
    SCORE_ITEMS,
    CheckIn,
    CheckKind,
    DailyNote,
    Difficulty,
    Evidence,
    PolicyPush,
    RequestKind,
    Round,
    RoundStatus,
    Score,
    Stay,
    StayRequest,
    TaskKind,
    Verification,
    VerifyMethod,
    VerifyResult,
)
from qinqing.liaison.services import clean_text, enterprise_users, officers_for, require
from qinqing.liaison.transitions import check_request, check_round

STAY_DAYS = 14
REPORT_SUFFIXES = {".pdf", ".doc", ".docx", ".txt"}
MAX_REPORT_BYTES = 10 * 1024 * 1024


# --- rounds and stays ------------------------------------------------------------------
def create_round(
    *,
    actor: User,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    radius_m: int = 500,
    sample_size: int = 3,
) -> Round:
    require(selectors.is_officer(actor), actor, "create_round")
    name = clean_text(name, "name", "批次名称", max_length=100)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "结束日期不能早于开始日期。"})
    if not 50 <= int(radius_m) <= 5000:
        raise ValidationError({"radius_m": "打卡范围应在 50 到 5000 米之间。"})
    if not 0 <= int(sample_size) <= 100:
        raise ValidationError({"sample_size": "每日抽查数应在 0 到 100 之间。"})
    return Round.objects.create(
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        radius_m=radius_m,
        sample_size=sample_size,
        created_by=actor,
    )


def _move_round(round_: Round, action: str, *, actor: User) -> Round:
    require(selectors.is_officer(actor), actor, f"{action}_round")
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        before = round_.status
        round_.status = check_round(action, before)
        round_.save(update_fields=["status", "updated_at"])
        kind = {"open": "round_opened", "close": "round_closed"}[action]
        events.round_moved(round_, kind, actor=actor, before=before)
        if action == "open":
            for stay in round_.stays.select_related("enterprise"):
                notify(
                    [stay.cadre],
                    kind="stay_planned",
                    title=(
                        f"驻企安排：{stay.starts_on.month}月{stay.starts_on.day}日起进驻"
                        f"{stay.enterprise.name}"
                    )[:200],
                    url=f"/liaison/stays/{stay.pk}/",
                    dedupe_key=f"stay:{stay.pk}:planned",
                )
    return round_


def open_round(round_: Round, *, actor: User) -> Round:
    return _move_round(round_, "open", actor=actor)


def close_round(round_: Round, *, actor: User) -> Round:
    return _move_round(round_, "close", actor=actor)


def cadre_department(cadre: User) -> Any:
    membership = (
        Membership.objects.filter(user=cadre)
        .exclude(organisation__kind=OrgKind.DIVISION)
        .select_related("organisation")
        .order_by("organisation__kind", "id")
        .first()
    )
    return membership.organisation if membership else None


def plan_stay(
    round_: Round,
    *,
    actor: User,
    cadre: User,
    enterprise: Enterprise,
    starts_on: dt.date,
    days: int = STAY_DAYS,
) -> Stay:
    require(selectors.is_officer(actor), actor, "plan_stay")
    if round_.status == RoundStatus.CLOSED:
        raise ValidationError({"round": "批次已结束，不能再安排驻企。"})
    if cadre.uscc or not cadre.is_active:
        raise ValidationError({"cadre": "驻企干部必须是在岗的政府工作人员账号。"})
    department = cadre_department(cadre)
    if department is None:
        raise ValidationError({"cadre": f"{cadre.display_name}没有所属部门，请先在账号中设置。"})
    if not round_.starts_on <= starts_on <= round_.ends_on:
        raise ValidationError({"starts_on": "进驻日期必须在批次期间内。"})
    if not 1 <= int(days) <= 60:
        raise ValidationError({"days": "驻企天数应在 1 到 60 天之间。"})
    ends_on = starts_on + dt.timedelta(days=int(days) - 1)
    with transaction.atomic():
        overlap = Stay.objects.filter(
            cadre=cadre, starts_on__lte=ends_on, ends_on__gte=starts_on
        ).exists()
        if overlap:
            raise ValidationError({"cadre": f"{cadre.display_name}在这段时间已有驻企安排。"})
        try:
            with transaction.atomic():
                stay = Stay.objects.create(
                    round=round_,
                    cadre=cadre,
                    department=department,
                    enterprise=enterprise,
                    starts_on=starts_on,
                    ends_on=ends_on,
                )
        except IntegrityError:
            raise ValidationError({"cadre": "该干部已安排进驻这家企业。"}) from None
        events.stay_planned(stay, actor=actor)
    return stay


# --- daily check-in -----------------------------------------------------------------------
def _own_stay_today(stay: Stay, actor: User, today: dt.date) -> None:
    require(stay.cadre_id == actor.pk, actor, "own_stay", stay=stay.pk)
    if stay.round.status != RoundStatus.OPEN:
        raise ValidationError({"day": "该批次不在进行中，不能打卡。"})
    if not stay.starts_on <= today <= stay.ends_on:
        raise ValidationError(
            {
                "day": (
                    f"今天不在您的驻企期内（{stay.starts_on.month}月{stay.starts_on.day}日至"
                    f"{stay.ends_on.month}月{stay.ends_on.day}日），不能打卡。"
                )
            }
        )


def check_in(
    stay: Stay,
    *,
    actor: User,
    kind: str,
    lat: Any,
    lng: Any,
    accuracy: Any = None,
    now: dt.datetime | None = None,
) -> CheckIn:
    """One check-in and one check-out a day, by the stay's own cadre, during the stay.
    The distance to the enterprise's registered location is stored; outside the round's
    radius the record is kept but flagged (and the supervisors told), never accepted
    silently. `now` is for back-filling the demo; pages and the API never pass it."""
    if kind not in CheckKind.values:
        raise ValidationError({"kind": "打卡类型无效。"})
    point = valid_point(lat, lng)
    if point is None:
        raise ValidationError({"lat": "未取得有效定位，请允许浏览器使用位置信息后重试。"})
    acc = valid_point(accuracy, 0) if accuracy not in (None, "") else None
    require(stay.cadre_id == actor.pk, actor, "own_stay", stay=stay.pk)  # audited, outside
    now = timezone.localtime(now)
    today = now.date()
    with transaction.atomic():
        stay = (
            Stay.objects.select_for_update().select_related("round", "enterprise").get(pk=stay.pk)
        )
        _own_stay_today(stay, actor, today)
        done = set(stay.checkins.filter(day=today).values_list("kind", flat=True))
        label = "签到" if kind == CheckKind.IN else "签退"
        if kind in done:
            raise ValidationError({"kind": f"今天已经{label}过了，每天只能{label}一次。"})
        if kind == CheckKind.OUT and CheckKind.IN not in done:
            raise ValidationError({"kind": "今天还没有签到，请先签到。"})
        enterprise = stay.enterprise
        distance = in_range = None
        if enterprise.lat is not None and enterprise.lng is not None:
            distance = round(haversine_m(point[0], point[1], enterprise.lat, enterprise.lng), 1)
            in_range = distance <= stay.round.radius_m
        check = CheckIn.objects.create(
            stay=stay,
            day=today,
            at=now,
            kind=kind,
            lat=point[0],
            lng=point[1],
            accuracy_m=abs(acc[0]) if acc else None,
            distance_m=distance,
            in_range=in_range,
        )
        events.checked(check, actor=actor)
        if in_range is False:
            notify(
                officers_for(enterprise),
                kind="checkin_out_of_range",
                title=(
                    f"{actor.display_name}在{enterprise.name}{label}时距企业"
                    f"{describe_distance(distance or 0)}，超出范围"
                )[:200],
                url=f"/liaison/stays/{stay.pk}/",
                dedupe_key=f"checkin:{check.pk}",
            )
    return check


def checkin_message(check: CheckIn, radius_m: int) -> str:
    label = "签到" if check.kind == CheckKind.IN else "签退"
    when = timezone.localtime(check.at).strftime("%H:%M")
    if check.distance_m is None:
        return f"{when} {label}已记录；企业未登记位置，无法核对距离，已标记待核实。"
    where = f"距企业 {describe_distance(check.distance_m)}"
    if check.in_range:
        return f"{when} {label}成功，{where}，在 {radius_m} 米范围内。"
    return f"{when} {label}已记录，但{where}，超出 {radius_m} 米范围，已标记并报督查组核实。"


def write_note(stay: Stay, *, actor: User, text: str, day: dt.date | None = None) -> DailyNote:
    require(stay.cadre_id == actor.pk, actor, "own_stay", stay=stay.pk)
    text = clean_text(text, "text", "工作动态", max_length=2000)
    today = day or timezone.localdate()
    with transaction.atomic():
        stay = Stay.objects.select_for_update().select_related("round").get(pk=stay.pk)
        _own_stay_today(stay, actor, today)
        note, created = DailyNote.objects.get_or_create(
            stay=stay, day=today, defaults={"text": text}
        )
        if not created:
            note.text = text
            note.save(update_fields=["text", "updated_at"])
    return note


# --- 五个一 --------------------------------------------------------------------------------
def record_evidence(
    stay: Stay,
    *,
    actor: User,
    task: str,
    difficulty: Difficulty | None = None,
    push: PolicyPush | None = None,
    application: Any = None,
    text: str = "",
    on_date: dt.date | None = None,
    upload: UploadedFile | None = None,
) -> Evidence:
    """Link one 五个一 task to its record on the platform."""
    require(stay.cadre_id == actor.pk, actor, "evidence", stay=stay.pk)
    evidence = Evidence(stay=stay, task=task, recorded_by=actor)
    if task == TaskKind.PROBLEM:
        if difficulty is None or difficulty.stay_id != stay.pk:
            raise ValidationError({"difficulty": "请选择本次驻企期间反映的困难问题。"})
        evidence.difficulty = difficulty
    elif task == TaskKind.POLICY:
        if push is not None and push.stay_id == stay.pk:
            evidence.push = push
        elif application is not None and application.enterprise_id == stay.enterprise_id:
            evidence.application = application
        else:
            raise ValidationError({"push": "请选择本次驻企对接的政策或企业提交的申报。"})
    elif task == TaskKind.SUGGESTION:
        evidence.text = clean_text(text, "text", "合理化建议", max_length=3000)
    elif task == TaskKind.FRONTLINE:
        if on_date is None or not stay.starts_on <= on_date <= stay.ends_on:
            raise ValidationError({"on_date": "一线岗位工作日必须在驻企期内。"})
        if on_date > timezone.localdate():
            raise ValidationError({"on_date": "一线岗位工作日不能晚于今天。"})
        evidence.on_date = on_date
        evidence.text = clean_text(text, "text", "岗位与工作内容", max_length=500)
    elif task == TaskKind.REPORT:
        if upload is None:
            raise ValidationError({"upload": "请上传体验报告。"})
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in REPORT_SUFFIXES:
            raise ValidationError({"upload": "体验报告只接受 PDF、Word 或文本文件。"})
        if (upload.size or 0) > MAX_REPORT_BYTES:
            raise ValidationError({"upload": "体验报告超过 10 MB。"})
        if suffix == ".pdf":
            head = upload.read(5)
            upload.seek(0)
            if not head.startswith(b"%PDF"):
                raise ValidationError({"upload": "文件内容不是 PDF。"})
        evidence.token = secrets.token_hex(16)
        evidence.file_name = Path(upload.name or "report").name[:200]
        evidence.file.save(evidence.file_name, upload, save=False)
    else:
        raise ValidationError({"task": "五个一任务类型无效。"})
    with transaction.atomic():
        evidence.save()
        events.evidence_recorded(stay, task, actor=actor)
    return evidence


# --- 督查核实 -----------------------------------------------------------------------------
def draw_sample(
    round_: Round,
    *,
    actor: User,
    day: dt.date | None = None,
    size: int | None = None,
    rng: random.Random | None = None,
) -> list[Verification]:
    """Draw the day's random sample of stays in progress for a phone or on-site check.
    Drawing again the same day adds stays not yet drawn, up to `size` in total."""
    require(selectors.oversees(actor), actor, "draw_sample")
    day = day or timezone.localdate()
    size = round_.sample_size if size is None else int(size)
    with transaction.atomic():
        Round.objects.select_for_update().get(pk=round_.pk)
        already = list(Verification.objects.filter(stay__round=round_, day=day))
        wanted = size - len(already)
        if wanted <= 0:
            return already
        drawn = {v.stay_id for v in already}
        pool = list(
            Stay.objects.filter(round=round_, starts_on__lte=day, ends_on__gte=day)
            .exclude(pk__in=drawn)
            .values_list("pk", flat=True)
        )
        chosen = (rng or random.SystemRandom()).sample(sorted(pool), min(wanted, len(pool)))
        new = [Verification.objects.create(stay_id=pk, day=day) for pk in chosen]
    return already + new


def record_verification(
    verification: Verification, *, actor: User, method: str, result: str, note: str = ""
) -> Verification:
    require(selectors.oversees(actor), actor, "verify")
    if method not in VerifyMethod.values:
        raise ValidationError({"method": "请选择核实方式（电话或实地）。"})
    if result not in VerifyResult.values:
        raise ValidationError({"result": "请选择核实结果。"})
    note = clean_text(note, "note", "核实说明", max_length=300, required=result != "present")
    with transaction.atomic():
        verification = Verification.objects.select_for_update().get(pk=verification.pk)
        if verification.result:
            raise ValidationError({"result": "这条抽查已记录结果，不能重复记录。"})
        verification.method = method
        verification.result = result
        verification.note = note
        verification.verified_by = actor
        verification.verified_at = timezone.now()
        verification.save(update_fields=["method", "result", "note", "verified_by", "verified_at"])
        events.verified(verification, actor=actor)
    return verification


# --- 企业评分 -----------------------------------------------------------------------------
def _clean_items(items: Mapping[str, Any]) -> dict[str, int]:
    cleaned: dict[str, int] = {}
    for key, label in SCORE_ITEMS.items():
        try:
            value = int(items.get(key))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= 5:
            raise ValidationError({key: f"请为“{label}”打 1 到 5 分。"})
        cleaned[key] = value
    return cleaned


def may_score(user: Any, stay: Stay) -> bool:
    return enterprise_uscc(user) == stay.enterprise.uscc


def score_stay(stay: Stay, *, actor: User, items: Mapping[str, Any], comment: str = "") -> Score:
    """The host enterprise scores its cadre, once, from the stay's last day on. The
    score becomes a 好差评 rating of the cadre's department and person."""
    from qinqing.ratings.models import Channel, ServiceKind
    from qinqing.ratings.services import record_service_event, submit_rating

    require(may_score(actor, stay), actor, "score", stay=stay.pk)
    if timezone.localdate() < stay.ends_on:
        raise ValidationError(
            {"items": f"驻企期满（{stay.ends_on.month}月{stay.ends_on.day}日）后才能评分。"}
        )
    values = _clean_items(items)
    comment = clean_text(comment, "comment", "评语", max_length=1000, required=False)
    mean = Decimal(sum(values.values())) / len(values)
    total = (mean * 20).quantize(Decimal("0.1"))
    with transaction.atomic():
        stay = (
            Stay.objects.select_for_update().select_related("enterprise", "cadre").get(pk=stay.pk)
        )
        if Score.objects.filter(stay=stay).exists():
            raise ValidationError({"items": "您已经为这位驻企干部评过分，每次驻企只能评一次。"})
        event = record_service_event(
            kind=ServiceKind.STATIONING,
            reference=f"liaison-stay:{stay.pk}",
            department=stay.department,
            matter=f"驻企服务：{stay.enterprise.name}"[:200],
            handled_by=stay.cadre,
            served_user=actor,
        )
        rating = submit_rating(
            event,
            actor=actor,
            level=int((mean + Decimal("0.5")).to_integral_value(rounding="ROUND_FLOOR")),
            channel=Channel.WEB,
            comment=comment or f"驻企评分 {total} 分",
        )
        score = Score.objects.create(
            stay=stay,
            items=values,
            total=total,
            comment=comment,
            scored_by=actor,
            rating_id=rating.pk,
        )
        events.scored(score, actor=actor)
        notify(
            [stay.cadre],
            kind="stay_scored",
            title=f"{stay.enterprise.name}为您的驻企服务评分 {total} 分",
            url=f"/liaison/stays/{stay.pk}/",
            dedupe_key=f"score:{score.pk}",
        )
    return score


# --- 加期 / 要人 ---------------------------------------------------------------------------
def file_request(
    round_: Round,
    *,
    actor: User,
    kind: str,
    reason: str,
    stay: Stay | None = None,
    cadre_name: str = "",
    days: Any = None,
) -> StayRequest:
    own = enterprise_uscc(actor)
    require(bool(own), actor, "file_request")
    enterprise = Enterprise.objects.filter(uscc=own).first()
    if enterprise is None:
        raise ValidationError({"kind": "您的账号关联的企业不在企业库中。"})
    reason = clean_text(reason, "reason", "申请理由", max_length=1000)
    extra: int | None = None
    if kind == RequestKind.EXTEND:
        if stay is None or stay.enterprise_id != enterprise.pk or stay.round_id != round_.pk:
            raise deny(actor, "request_extend")
        try:
            extra = int(days)
        except (TypeError, ValueError):
            extra = 0
        if not 1 <= extra <= 30:
            raise ValidationError({"days": "加期天数应在 1 到 30 天之间。"})
    elif kind == RequestKind.NAMED:
        cadre_name = clean_text(cadre_name, "cadre_name", "希望进驻的干部姓名", max_length=50)
        stay = None
    else:
        raise ValidationError({"kind": "申请类型无效，应为加期或要人。"})
    with transaction.atomic():
        request = StayRequest.objects.create(
            round=round_,
            enterprise=enterprise,
            kind=kind,
            stay=stay,
            cadre_name=cadre_name if kind == RequestKind.NAMED else "",
            days=extra,
            reason=reason,
            requested_by=actor,
        )
        events.request_filed(request, actor=actor)
        notify(
            officers_for(enterprise),
            kind="stay_request",
            title=f"{enterprise.name}申请{request.get_kind_display()}，待审批"[:200],
            url="/liaison/requests/",
            dedupe_key=f"request:{request.pk}",
        )
    return request


def deny(actor: Any, action: str) -> Exception:
    return _deny(None, actor, f"liaison:{action}")


def decide_request(
    request: StayRequest, *, actor: User, approve: bool, note: str = ""
) -> StayRequest:
    """An officer decides; an approved 加期 moves the stay's last day. The enterprise and
    the cadre are told."""
    require(selectors.is_officer(actor), actor, "decide_request")
    note = clean_text(note, "note", "审批意见", max_length=300, required=not approve)
    with transaction.atomic():
        request = StayRequest.objects.select_for_update().get(pk=request.pk)
        request.status = check_request("approve" if approve else "refuse", request.status)
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.decision_note = note
        request.save(
            update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"]
        )
        recipients = enterprise_users(request.enterprise)
        if approve and request.kind == RequestKind.EXTEND and request.stay_id:
            stay = Stay.objects.select_for_update().get(pk=request.stay_id)
            stay.ends_on = stay.ends_on + dt.timedelta(days=request.days or 0)
            stay.save(update_fields=["ends_on", "updated_at"])
            recipients.append(stay.cadre)
        events.request_decided(request, actor=actor)
        verdict = "已同意" if approve else "未同意"
        notify(
            recipients,
            kind="stay_request_decided",
            title=f"{request.get_kind_display()}申请{verdict}" + (f"：{note}" if note else ""),
            url="/liaison/my-cadres/",
            dedupe_key=f"request:{request.pk}:decided",
        )
    return request


def stays_missing_checkin(day: dt.date) -> list[Stay]:
    """Stays in progress on `day` (of open rounds) without a check-in that day."""
    return list(
        Stay.objects.filter(round__status=RoundStatus.OPEN, starts_on__lte=day, ends_on__gte=day)
        .exclude(checkins__day=day, checkins__kind=CheckKind.IN)
        .select_related("cadre", "enterprise")
    )


def remind_missing_checkins(day: dt.date | None = None) -> int:
    day = day or timezone.localdate()
    sent = 0
    with transaction.atomic():
        for stay in stays_missing_checkin(day):
            sent += len(
                notify(
                    [stay.cadre],
                    kind="checkin_missing",
                    title=f"您今天（{day.month}月{day.day}日）还没有在{stay.enterprise.name}签到",
                    url=f"/liaison/stays/{stay.pk}/",
                    dedupe_key=f"checkin-missing:{stay.pk}:{day.isoformat()}",
                )
            )
    return sent
