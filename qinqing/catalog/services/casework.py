"""Acceptance, review, 补正, decision and closing of matters (受理 → 审查 → 办结)."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from qinqing.catalog import clocks, events, hooks
from qinqing.catalog.models import (
    FINAL_MATTER,
    BundleApplication,
    Certificate,
    CertificateSource,
    Matter,
    MatterMaterial,
    MatterStatus,
)
from qinqing.catalog.services.common import (
    Uploads,
    _clean,
    _guard,
    _locked,
    _now,
    _save,
)
from qinqing.catalog.transitions import check
from qinqing.catalog.vocab import kind_label
from qinqing.catalog.watch import watch_matter
from qinqing.core.notify import notify


def accept_matter(
    matter: Matter,
    *,
    actor: Any,
    missing_material: str = "",
    missing_days: int = 5,
    now: dt.datetime | None = None,
) -> Matter:
    """受理 (容缺受理 when a material is missing: named, with a due date in working days).
    即办件 are decided on the spot."""
    now = _now(now)
    _guard(matter, actor, "accept")
    with transaction.atomic():
        matter = _locked(matter, actor, "accept")
        missing_material = _clean(missing_material, "missing_material", "容缺材料", limit=120)
        outstanding = list(
            matter.materials.filter(state=MatterMaterial.State.MISSING).select_related("material")
        )
        if outstanding and not missing_material:
            names = "、".join(m.material.name for m in outstanding)
            raise ValidationError(
                {"missing_material": f"材料不全（{names}），请容缺受理并写明容缺材料，或不予受理。"}
            )
        if missing_material:
            if not matter.item.tolerate_missing:
                raise ValidationError({"missing_material": "本事项不适用容缺受理。"})
            if not 1 <= int(missing_days) <= 30:
                raise ValidationError({"missing_days": "补交期限为 1 至 30 个工作日。"})
        _accept(
            matter,
            actor=actor,
            now=now,
            missing_material=missing_material,
            missing_days=int(missing_days),
        )
        if matter.item.is_instant and not missing_material:
            _decide(
                matter,
                actor=actor,
                approve=True,
                reason="即办件，当场办结",
                legal_ground="",
                now=now,
            )
        watch_matter(matter, now=now)
        return matter


def _accept(
    matter: Matter,
    *,
    actor: Any,
    now: dt.datetime,
    missing_material: str = "",
    missing_days: int = 5,
) -> None:
    step = check("accept", matter.status)
    days = 0 if matter.item.is_instant else int(matter.item.promised_days or 0)
    matter.status = step.target or matter.status
    matter.accepted_at, matter.limit_days, matter.due_at = now, days, clocks.due_for(now, days)
    matter.handled_by = actor if getattr(actor, "pk", None) else matter.handled_by
    fields = ["status", "accepted_at", "limit_days", "due_at", "handled_by"]
    note = f"承诺 {days} 个工作日，{timezone.localtime(matter.due_at):%Y年%m月%d日}前办结"
    kind = "accepted"
    if missing_material:
        matter.missing_material = missing_material
        matter.missing_due_at = clocks.due_for(now, missing_days)
        fields += ["missing_material", "missing_due_at"]
        note += f"；容缺材料“{missing_material}”须于{timezone.localtime(matter.missing_due_at):%Y年%m月%d日}前补交"
        kind = "accepted_missing"
    _save(matter, *fields)
    events.record(
        matter,
        kind,
        actor=actor,
        from_state=MatterStatus.SUBMITTED,
        to_state=matter.status,
        note=note,
    )
    if matter.applicant_id:
        notify(
            [matter.applicant],
            kind="catalog_accepted",
            title=f"您的办件已受理：{matter.item.name}，{note}",
            url=reverse("catalog:matter", args=[matter.pk]),
            dedupe_key=f"catalog-accepted:{matter.pk}",
        )


def not_accept_matter(
    matter: Matter,
    *,
    actor: Any,
    reason: str,
    legal_ground: str = "",
    now: dt.datetime | None = None,
) -> Matter:
    """不予受理, with a reason for the applicant and (expected) the legal ground."""
    now = _now(now)
    _guard(matter, actor, "not_accept")
    with transaction.atomic():
        matter = _locked(matter, actor, "not_accept")
        step = check("not_accept", matter.status)
        matter.reason = _clean(reason, "reason", "不予受理理由", required=True)
        matter.legal_ground = _clean(legal_ground, "legal_ground", "法律依据", limit=300)
        matter.status, matter.decided_at, matter.handled_by = step.target or "", now, actor
        _save(matter, "status", "reason", "legal_ground", "decided_at", "handled_by")
        events.record(
            matter,
            "not_accepted",
            actor=actor,
            from_state=MatterStatus.SUBMITTED,
            to_state=matter.status,
            note=matter.reason,
        )
        _closed(matter, now)
        return matter


def start_review(matter: Matter, *, actor: Any, now: dt.datetime | None = None) -> Matter:
    _guard(matter, actor, "review")
    with transaction.atomic():
        matter = _locked(matter, actor, "review")
        step = check("review", matter.status)
        matter.status = step.target or matter.status
        _save(matter, "status")
        events.record(
            matter,
            "review_started",
            actor=actor,
            from_state=MatterStatus.ACCEPTED,
            to_state=matter.status,
        )
        return matter


def request_correction(
    matter: Matter, *, actor: Any, note: str, now: dt.datetime | None = None
) -> Matter:
    """补正: the clock pauses until the applicant resubmits; every return is counted."""
    now = _now(now)
    _guard(matter, actor, "request_correction")
    with transaction.atomic():
        matter = _locked(matter, actor, "request_correction")
        step = check("request_correction", matter.status)
        note = _clean(note, "note", "补正内容", required=True)
        before = matter.status
        matter.status, matter.paused_at = step.target or "", now
        matter.correction_count += 1
        _save(matter, "status", "paused_at", "correction_count")
        events.record(
            matter,
            "correction_requested",
            actor=actor,
            from_state=before,
            to_state=matter.status,
            note=note,
            count=matter.correction_count,
        )
        if matter.applicant_id:
            notify(
                [matter.applicant],
                kind="catalog_correction",
                title=f"办件需补正：{matter.item.name}（计时已暂停）",
                body=note,
                url=reverse("catalog:matter", args=[matter.pk]),
                dedupe_key=f"catalog-correction:{matter.pk}:{matter.correction_count}",
                sms=True,
            )
        watch_matter(matter, now=now)
        return matter


def resubmit_matter(
    matter: Matter,
    *,
    actor: Any,
    note: str = "",
    uploads: Uploads | None = None,
    now: dt.datetime | None = None,
) -> Matter:
    """补正提交 by the applicant (or staff on their behalf): the clock resumes with the
    working days that were left."""
    now = _now(now)
    _guard(matter, actor, "resubmit")
    with transaction.atomic():
        matter = _locked(matter, actor, "resubmit")
        step = check("resubmit", matter.status)
        assert matter.paused_at is not None and matter.due_at is not None
        paused = clocks.working_days_between(matter.paused_at, now)
        matter.due_at = clocks.resumed_due(matter.paused_at, matter.due_at, now)
        matter.paused_days += paused
        matter.paused_at, matter.status = None, step.target or ""
        _save(matter, "status", "paused_at", "due_at", "paused_days")
        _store_uploads(matter, uploads or {})
        events.record(
            matter,
            "resubmitted",
            actor=actor,
            from_state=MatterStatus.CORRECTING,
            to_state=matter.status,
            note=_clean(note, "note", "补正说明")
            or f"计时恢复，{timezone.localtime(matter.due_at):%Y年%m月%d日}前办结",
        )
        return matter


def _store_uploads(matter: Matter, uploads: Uploads) -> None:
    for row in matter.materials.select_related("material"):
        if row.material.key in uploads:
            row.file, row.state = uploads[row.material.key], MatterMaterial.State.PROVIDED
            row.save(update_fields=["file", "state"])


def supply_missing(
    matter: Matter,
    *,
    actor: Any,
    upload: UploadedFile | None = None,
    now: dt.datetime | None = None,
) -> Matter:
    """补交容缺材料 (at the window or online)."""
    _guard(matter, actor, "resubmit")
    with transaction.atomic():
        matter = _locked(matter, actor, "resubmit")
        check("supply_missing", matter.status)
        if not matter.missing_material:
            raise ValidationError({"missing_material": "本办件没有待补交的容缺材料。"})
        rows = matter.materials.filter(state=MatterMaterial.State.MISSING)
        for row in rows:
            row.state = MatterMaterial.State.PROVIDED
            if upload is not None:
                row.file = upload
            row.save(update_fields=["state", "file"])
        on_time = matter.missing_due_at is None or _now(now) <= matter.missing_due_at
        note = f"已补交“{matter.missing_material}”" + ("" if on_time else "（已超过补交期限）")
        matter.missing_material = ""
        _save(matter, "missing_material")
        events.record(matter, "missing_supplied", actor=actor, from_state=matter.status, note=note)
        return matter


# --- deciding -------------------------------------------------------------------------


def decide_matter(
    matter: Matter,
    *,
    actor: Any,
    approve: bool,
    reason: str = "",
    legal_ground: str = "",
    document_dated: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Matter:
    """办结: approve (an approved licence becomes a certificate) or refuse with a reason."""
    now = _now(now)
    _guard(matter, actor, "approve" if approve else "refuse")
    with transaction.atomic():
        matter = _locked(matter, actor, "approve" if approve else "refuse")
        matter.document_dated = document_dated
        _decide(
            matter, actor=actor, approve=approve, reason=reason, legal_ground=legal_ground, now=now
        )
        return matter


def _decide(
    matter: Matter,
    *,
    actor: Any,
    approve: bool,
    reason: str,
    legal_ground: str,
    now: dt.datetime,
    kind: str = "",
) -> None:
    step = check("approve" if approve else "refuse", matter.status)
    if approve and matter.missing_material:
        raise ValidationError(
            {"missing_material": f"容缺材料“{matter.missing_material}”尚未补交，不能办结。"}
        )
    matter.reason = _clean(
        reason, "reason", "办理意见" if approve else "不予许可理由", required=not approve
    )
    matter.legal_ground = _clean(legal_ground, "legal_ground", "法律依据", limit=300)
    before = matter.status
    matter.status, matter.decided_at = step.target or "", now
    if getattr(actor, "pk", None):
        matter.handled_by = actor
    _save(matter, "status", "reason", "legal_ground", "decided_at", "handled_by", "document_dated")
    events.record(
        matter,
        kind or ("approved" if approve else "refused"),
        actor=actor,
        from_state=before,
        to_state=matter.status,
        note=matter.reason,
    )
    if approve:
        _issue_certificate(matter, now)
    _closed(matter, now)


def _issue_certificate(matter: Matter, now: dt.datetime) -> None:
    item = matter.item
    if not item.issues_kind or matter.enterprise is None:
        return
    start = timezone.localtime(now).date()
    years = item.issue_valid_years
    cert, _ = Certificate.objects.update_or_create(
        enterprise=matter.enterprise,
        kind=item.issues_kind,
        number=matter.number,
        defaults={
            "name": kind_label(item.issues_kind),
            "issuer": item.department.name,
            "valid_from": start,
            "valid_to": start.replace(year=start.year + years) if years else None,
            "source": CertificateSource.MATTER,
            "source_ref": f"matter:{matter.pk}",
        },
    )
    events.record(
        matter,
        "certificate_issued",
        actor=None,
        from_state=matter.status,
        note=f"{cert.name}（{cert.number}）已存入证照库",
    )


def withdraw_matter(
    matter: Matter, *, actor: Any, reason: str = "", now: dt.datetime | None = None
) -> Matter:
    now = _now(now)
    _guard(matter, actor, "withdraw")
    with transaction.atomic():
        matter = _locked(matter, actor, "withdraw")
        step = check("withdraw", matter.status)
        before = matter.status
        matter.status, matter.decided_at = step.target or "", now
        _save(matter, "status", "decided_at")
        events.record(
            matter,
            "withdrawn",
            actor=actor,
            from_state=before,
            to_state=matter.status,
            note=_clean(reason, "reason", "撤回理由"),
        )
        _close_bundle_if_done(matter, now)
        return matter


def _closed(matter: Matter, now: dt.datetime) -> None:
    """After a decision: the watch, the bundle, and the matter-closed event (after commit)."""
    watch_matter(matter, now=now)
    _close_bundle_if_done(matter, now)
    closed = hooks.ClosedMatter(
        matter_id=matter.pk,
        number=matter.number,
        item_name=matter.item.name,
        status=matter.status,
        channel=matter.channel,
        department_id=matter.department_id,
        window_id=matter.window_id,
        handled_by_id=matter.handled_by_id,
        applicant_id=matter.applicant_id,
        applicant_phone=matter.applicant_phone,
        closed_at=now,
    )
    transaction.on_commit(lambda: hooks.publish_matter_closed(closed))
    if matter.applicant_id:
        notify(
            [matter.applicant],
            kind="catalog_closed",
            title=f"办件已办结：{matter.item.name}，结果：{matter.get_status_display()}，欢迎评价",
            url=reverse("catalog:matter", args=[matter.pk]),
            dedupe_key=f"catalog-closed:{matter.pk}",
        )


def _close_bundle_if_done(matter: Matter, now: dt.datetime) -> None:
    if matter.bundle_application_id is None:
        return
    application = BundleApplication.objects.select_for_update().get(pk=matter.bundle_application_id)
    if application.status == BundleApplication.Status.CLOSED:
        return
    if not application.matters.exclude(status__in=FINAL_MATTER).exists():
        application.status, application.closed_at = BundleApplication.Status.CLOSED, now
        application.save(update_fields=["status", "closed_at", "updated_at"])
