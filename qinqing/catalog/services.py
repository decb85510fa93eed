"""Writes of matters (办件) and the certificate store: one atomic function per use case,
each checked against the transition table and leaving a timeline row. Bundles are in
`bundles.py`, the catalog import in `imports.py`."""

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from qinqing.accounts.models import Role
from qinqing.accounts.permissions import deny, enterprise_uscc, org_in_scope, users_with_role
from qinqing.catalog import clocks, events, hooks, rules, search, selectors
from qinqing.catalog.models import (
    FINAL_MATTER,
    BundleApplication,
    Certificate,
    CertificateSource,
    Material,
    MaterialSource,
    Matter,
    MatterChannel,
    MatterMaterial,
    MatterStatus,
    ServiceItem,
    WatchFlag,
)
from qinqing.catalog.transitions import check
from qinqing.catalog.vocab import kind_label
from qinqing.catalog.watch import watch_matter
from qinqing.core.notify import notify
from qinqing.enterprises.models import Enterprise

__all__ = ["PermissionDenied", "ValidationError"]  # re-exported for callers and tests
MAX_TEXT = 2000
Uploads = Mapping[str, UploadedFile]  # material key -> file


def _clean(
    text: str, field: str, label: str, *, required: bool = False, limit: int = MAX_TEXT
) -> str:
    text = "".join(ch for ch in (text or "") if ch in "\n\t" or ord(ch) >= 32).strip()
    if required and not text:
        raise ValidationError({field: f"请填写{label}。"})
    if len(text) > limit:
        raise ValidationError({field: f"{label}不能超过 {limit} 个字。"})
    return text


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


# --- the catalog ----------------------------------------------------------------------


def index_item(item: ServiceItem) -> None:
    """Refresh the segmented search text (call before saving an item)."""
    item.search_text = search.index_text(
        item.name,
        item.main_item_name,
        item.keywords,
        item.department.short_name or item.department.name,
    )


def replace_materials(item: ServiceItem, materials: list[dict[str, Any]]) -> None:
    """Make the item's materials the given list (by name). A material that matters
    already refer to and that is no longer listed stays, as optional, for their record."""
    existing = {m.name: m for m in item.materials.all()}
    for order, spec in enumerate(materials):
        fields = {**spec, "order": order}
        current = existing.pop(spec["name"], None)
        if current is None:
            Material.objects.create(item=item, **fields)
        else:
            for key, value in fields.items():
                setattr(current, key, value)
            current.required = spec.get("required", True)
            current.save()
    stale = [m.pk for m in existing.values()]
    used = set(
        MatterMaterial.objects.filter(material_id__in=stale).values_list("material_id", flat=True)
    )
    Material.objects.filter(pk__in=[pk for pk in stale if pk not in used]).delete()
    Material.objects.filter(pk__in=used).update(required=False, order=999)


# --- applying -------------------------------------------------------------------------


def _staff_channel(actor: Any, item: ServiceItem, channel: str) -> None:
    if channel != MatterChannel.ONLINE and not selectors.may_register_for(actor, item):
        raise deny(None, actor, "catalog:register_matter", item=item.code)


def _attach_materials(
    matter: Matter, item: ServiceItem, uploads: Uploads, *, allow_missing: bool
) -> list[str]:
    """Materials of the matter: on file (电子证照, 已有免提交), shared by another department,
    uploaded, or missing. Returns the names of the missing required ones."""
    materials = list(item.materials.all())
    on_file = selectors.materials_on_file(matter.enterprise, [m.kind for m in materials])
    missing: list[str] = []
    for material in materials:
        cert = on_file.get(material.kind) if material.kind else None
        if cert is not None:
            MatterMaterial.objects.create(
                matter=matter,
                material=material,
                state=MatterMaterial.State.ON_FILE,
                certificate=cert,
            )
        elif material.source == MaterialSource.DEPARTMENT:
            MatterMaterial.objects.create(
                matter=matter, material=material, state=MatterMaterial.State.ON_FILE
            )
        elif material.key in uploads:
            MatterMaterial.objects.create(
                matter=matter,
                material=material,
                state=MatterMaterial.State.PROVIDED,
                file=uploads[material.key],
            )
        elif material.required:
            missing.append(material.name)
            MatterMaterial.objects.create(
                matter=matter, material=material, state=MatterMaterial.State.MISSING
            )
    if missing and not allow_missing:
        raise ValidationError({"materials": "请上传以下材料：" + "、".join(missing) + "。"})
    return missing


def apply_for_item(
    item: ServiceItem,
    *,
    actor: Any,
    channel: str = MatterChannel.ONLINE,
    enterprise: Enterprise | None = None,
    applicant: Any = None,
    applicant_name: str = "",
    applicant_phone: str = "",
    form_data: Mapping[str, str] | None = None,
    uploads: Uploads | None = None,
    bundle_application: BundleApplication | None = None,
    now: dt.datetime | None = None,
) -> Matter:
    """申请: online by the applicant, or registered by staff at a window or as 帮办代办.
    An item marked 秒批 decides at once when its rule holds."""
    _staff_channel(actor, item, channel)
    with transaction.atomic():
        return _apply(
            item,
            actor=actor,
            channel=channel,
            enterprise=enterprise,
            applicant=applicant,
            applicant_name=applicant_name,
            applicant_phone=applicant_phone,
            form_data=form_data or {},
            uploads=uploads or {},
            bundle_application=bundle_application,
            now=_now(now),
        )


def _apply(
    item: ServiceItem,
    *,
    actor: Any,
    channel: str,
    enterprise: Enterprise | None,
    applicant: Any,
    applicant_name: str,
    applicant_phone: str,
    form_data: Mapping[str, str],
    uploads: Uploads,
    bundle_application: BundleApplication | None,
    now: dt.datetime,
) -> Matter:
    if channel not in MatterChannel.values:
        raise ValidationError({"channel": "办理渠道无效。"})
    if not item.is_active or not item.is_complete:
        raise ValidationError({"item": f"事项“{item.name}”尚未开通在线申请，请到窗口咨询。"})
    if channel == MatterChannel.ONLINE:
        applicant = actor
        uscc = enterprise_uscc(actor)
        enterprise = Enterprise.objects.filter(uscc=uscc).first() if uscc else None
        applicant_name = applicant_name or (enterprise.name if enterprise else actor.display_name)
        applicant_phone = applicant_phone or getattr(actor, "phone", "")
    applicant_name = _clean(
        applicant_name or (enterprise.name if enterprise else ""),
        "applicant_name",
        "申请人",
        required=True,
        limit=100,
    )
    applicant_phone = _clean(applicant_phone, "applicant_phone", "联系电话", limit=20)
    data = {
        key: _clean(str(value), key, key, limit=500)
        for key, value in form_data.items()
        if key in item.form_fields
    }
    matter = Matter.objects.create(
        number=f"BJ{now:%Y%m%d}{uuid.uuid4().hex[:8].upper()}",
        item=item,
        bundle_application=bundle_application,
        department_id=item.department_id,
        window_id=item.window_id,
        enterprise=enterprise,
        applicant=applicant if getattr(applicant, "pk", None) else None,
        applicant_name=applicant_name,
        applicant_phone=applicant_phone,
        channel=channel,
        registered_by=actor if channel != MatterChannel.ONLINE else None,
        status=MatterStatus.SUBMITTED,
        form_data=data,
        submitted_at=now,
    )
    missing = _attach_materials(
        matter,
        item,
        uploads,
        allow_missing=item.tolerate_missing or channel != MatterChannel.ONLINE,
    )
    kind = {"online": "submitted", "window": "registered", "proxy": "proxied"}[channel]
    step = check("submit", "")
    events.record(matter, kind, actor=actor, to_state=step.target or "", missing=missing)
    if item.instant_approval and not missing:
        _auto_decide(matter, actor=actor, now=now)
    if matter.status == MatterStatus.SUBMITTED:
        _notify_department(matter)
    return matter


def _notify_department(matter: Matter) -> None:
    people = [
        *users_with_role(Role.HANDLER, matter.department),
        *users_with_role(Role.DEPT_HEAD, matter.department),
    ]
    notify(
        people,
        kind="catalog_submitted",
        title=f"新办件待受理：{matter.item.name}（{matter.applicant_name}）",
        url=reverse("catalog:matter", args=[matter.pk]),
        dedupe_key=f"catalog-submitted:{matter.pk}",
    )


def _auto_decide(matter: Matter, *, actor: Any, now: dt.datetime) -> None:
    """秒批: evaluate the item's rule on registry facts and the materials on file."""
    item, enterprise = matter.item, matter.enterprise
    kinds = tuple(m.kind for m in item.materials.all() if m.kind and m.required)
    on_file = selectors.materials_on_file(enterprise, kinds)
    facts = rules.Facts(
        in_registry=enterprise is not None,
        serious_dishonesty=enterprise.serious_dishonesty if enterprise else None,
        tax_credit_rating=enterprise.tax_credit_rating if enterprise else "",
        registered_on=enterprise.registered_on if enterprise else None,
        kinds_needed=kinds,
        kinds_on_file=frozenset(on_file),
        today=timezone.localtime(now).date(),
    )
    checks = [c.as_dict() for c in rules.evaluate(item.auto_rule, facts)]
    matter.auto_decision = checks
    matter.save(update_fields=["auto_decision", "updated_at"])
    if not rules.passes(rules.evaluate(item.auto_rule, facts)):
        events.record(
            matter,
            "auto_declined",
            actor=None,
            from_state=matter.status,
            note=rules.explain(checks),
        )
        return
    _accept(matter, actor=None, now=now)
    _decide(
        matter,
        actor=None,
        approve=True,
        reason="秒批：" + rules.explain(checks),
        legal_ground="",
        now=now,
        kind="auto_decided",
    )


# --- acceptance and review ------------------------------------------------------------


APPLICANT_ACTIONS = ("resubmit", "withdraw")


def _guard(matter: Matter, actor: Any, action: str) -> None:
    """Check (and audit a refusal) before the transaction, so the audit row survives the
    rollback that the refusal causes."""
    matter = selectors.access_matter(actor, matter.pk)
    own = matter.applicant_id == getattr(actor, "pk", None)
    if not (selectors.may_handle(actor, matter) or (own and action in APPLICANT_ACTIONS)):
        raise deny(None, actor, f"catalog:{action}", matter=matter.pk)


def _locked(matter: Matter, actor: Any, action: str) -> Matter:
    """The matter's row, locked; `_guard` has checked the actor before the transaction."""
    return selectors.access_matter(actor, matter.pk, for_update=True)


def _save(matter: Matter, *fields: str) -> None:
    matter.save(update_fields=[*fields, "updated_at"])


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


# --- the certificate store ------------------------------------------------------------


def upload_certificate(
    enterprise: Enterprise,
    *,
    actor: Any,
    kind: str,
    number: str,
    issuer: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    file: UploadedFile | None = None,
) -> Certificate:
    """An enterprise (or staff for it) puts a certificate in the store."""
    if enterprise_uscc(actor) != enterprise.uscc and not selectors.is_catalog_staff(actor):
        raise deny(None, actor, "catalog:upload_certificate", enterprise=enterprise.uscc)
    number = _clean(number, "number", "证照编号", required=True, limit=80)
    kind = _clean(kind, "kind", "证照类型", required=True, limit=40)
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError({"valid_to": "有效期止不能早于有效期起。"})
    with transaction.atomic():
        cert, _ = Certificate.objects.update_or_create(
            enterprise=enterprise,
            kind=kind,
            number=number,
            defaults={
                "name": kind_label(kind),
                "issuer": _clean(issuer, "issuer", "发证机关", limit=100),
                "valid_from": valid_from,
                "valid_to": valid_to,
                "source": CertificateSource.UPLOAD,
                "recorded_by": actor if getattr(actor, "pk", None) else None,
                **({"file": file} if file is not None else {}),
            },
        )
        return cert


def sync_registry_certificates(enterprise: Enterprise) -> int:
    """Put the registry's qualifications (高新技术企业, 专精特新 …) into the store; safe
    to run again. Returns how many certificates were created."""
    created = 0
    with transaction.atomic():
        for q in enterprise.qualifications.all():
            _, new = Certificate.objects.update_or_create(
                enterprise=enterprise,
                kind=f"qual:{q.kind}",
                number=q.certificate_no or f"{q.kind}-{q.valid_from:%Y%m%d}",
                defaults={
                    "name": kind_label(f"qual:{q.kind}"),
                    "issuer": q.issuer,
                    "valid_from": q.valid_from,
                    "valid_to": q.valid_to,
                    "source": CertificateSource.REGISTRY,
                    "source_ref": f"qualification:{q.pk}",
                },
            )
            created += int(new)
    return created


# --- the approval watch ---------------------------------------------------------------


def explain_flag(flag: WatchFlag, *, actor: Any, explanation: str) -> WatchFlag:
    """The department explains a flag (情况说明); the flag itself stays."""
    if not org_in_scope(actor, flag.department, Role.HANDLER, Role.DEPT_HEAD, Role.ADMIN):
        raise deny(None, actor, "catalog:explain_flag", flag=flag.pk)
    with transaction.atomic():
        flag = WatchFlag.objects.select_for_update().get(pk=flag.pk)
        flag.explanation = _clean(explanation, "explanation", "情况说明", required=True)
        flag.explained_by, flag.explained_at = actor, timezone.now()
        flag.save(update_fields=["explanation", "explained_by", "explained_at"])
        return flag
