"""受理: registering an appeal (idempotent) and its attachments."""

import hashlib
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from qinqing.accounts.models import Organisation, OrgKind, Role, User
from qinqing.accounts.permissions import enterprise_uscc, has_role, org_in_scope
from qinqing.appeals import events, hooks, selectors
from qinqing.appeals.models import (
    Appeal,
    AppealType,
    Attachment,
    Category,
    Channel,
    Status,
)
from qinqing.appeals.services.common import (
    _MAGIC,
    ALLOWED_SUFFIXES,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    _default_division,
    _lock,
    _require,
    _search_text,
    _text,
    next_number,
)
from qinqing.appeals.transitions import check
from qinqing.enterprises.models import Enterprise


# --- 受理 --------------------------------------------------------------------------------
def idempotency_key_for(actor: Any, key: str) -> str | None:
    key = (key or "").strip()
    if not key:
        return None
    if len(key) > 150:
        raise ValidationError({"idempotency_key": "幂等键不能超过 150 个字符。"})
    return f"{actor.pk}:{key}"


def content_key(*parts: Any) -> str:
    """An idempotency key derived from a request's content (for clients that send none)."""
    return "h:" + hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:40]


def register_appeal(
    *,
    actor: User,
    channel: str,
    title: str,
    description: str,
    requester_name: str,
    requester_phone: str,
    appeal_type: str = AppealType.APPEAL,
    category: Category | None = None,
    enterprise: Enterprise | None = None,
    address: str = "",
    division: Organisation | None = None,
    lat: float | None = None,
    lon: float | None = None,
    idempotency_key: str = "",
    files: Sequence[UploadedFile] = (),
) -> tuple[Appeal, bool]:
    """Register an appeal. Returns (appeal, created); a repeated idempotency key returns
    the appeal created the first time and changes nothing."""
    key = idempotency_key_for(actor, idempotency_key)
    if key:
        existing = Appeal.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing, False
    own_uscc = enterprise_uscc(actor)
    staff = has_role(actor, Role.INTAKE_OPERATOR, Role.SUPERVISOR, Role.ADMIN) or getattr(
        actor, "is_superuser", False
    )
    if own_uscc and not staff:
        if enterprise is not None and enterprise.uscc != own_uscc:
            # never file it silently under the caller's own enterprise
            raise ValidationError(
                {
                    "enterprise": f"统一社会信用代码 {enterprise.uscc} 不是您账号关联的企业"
                    f"（{own_uscc}），企业用户只能为本企业提交诉求。"
                }
            )
        enterprise = Enterprise.objects.filter(uscc=own_uscc).first()
        if enterprise is None:
            raise ValidationError(
                {"enterprise": "您的账号关联的企业不在企业库中，请联系营商服务中心。"}
            )
        if channel not in (Channel.PORTAL, Channel.API, Channel.OPEN311):
            channel = Channel.PORTAL
    else:
        # the one role rule from outside appeals: a delegate vouches (appeals/hooks.py)
        _require(staff or hooks.delegated_intake(actor, enterprise, channel), actor, "register")
    errors: dict[str, str] = {}
    if channel not in Channel.values:
        errors["channel"] = "受理渠道无效。"
    if appeal_type not in AppealType.values:
        errors["type"] = "诉求类型无效，应为诉求、投诉、咨询、建议或求助。"
    if category is not None and not category.is_active:
        errors["category"] = "该诉求分类已停用。"
    if errors:
        raise ValidationError(errors)
    title = _text(title, "title", "标题", max_length=200)
    description = _text(description, "description", "诉求内容", max_length=5000)
    requester_name = _text(requester_name, "requester_name", "联系人", max_length=50)
    requester_phone = _text(requester_phone, "requester_phone", "联系电话", max_length=30)
    if not any(ch.isdigit() for ch in requester_phone) or len(requester_phone) < 5:
        raise ValidationError({"requester_phone": "联系电话格式不正确。"})
    _check_files(files)
    division = division or (enterprise.division if enterprise else None) or _default_division()
    if division.kind != OrgKind.DIVISION:
        raise ValidationError({"division": "所属区划必须是行政区划。"})
    if staff and not getattr(actor, "is_superuser", False) and not own_uscc:
        _require(
            org_in_scope(actor, division, Role.INTAKE_OPERATOR, Role.SUPERVISOR, Role.ADMIN),
            actor,
            "register",
        )
    # The number is taken before the transaction (one atomic counter update), so
    # concurrent intakes do not wait for each other's commits.
    number = next_number(division, timezone.now())
    try:
        with transaction.atomic():
            appeal = _create_appeal(
                actor=actor,
                key=key,
                number=number,
                channel=channel,
                appeal_type=appeal_type,
                category=category,
                title=title,
                description=description,
                enterprise=enterprise,
                requester_name=requester_name,
                requester_phone=requester_phone,
                address=(address or "").strip()[:200],
                division=division,
                lat=lat,
                lon=lon,
                files=files,
            )
    except IntegrityError:
        if key:
            existing = Appeal.objects.filter(idempotency_key=key).first()
            if existing is not None:
                return existing, False
        raise
    return appeal, True


def _create_appeal(
    *, actor: User, key: str | None, files: Sequence[UploadedFile], **fields: Any
) -> Appeal:
    """Insert the appeal once (number and search text already in it) and its first
    event. The returned appeal carries what was written (its timeline, no clocks or
    assignments yet), so the answer needs no reads after the commit."""
    appeal = Appeal(
        type=fields.pop("appeal_type"),
        created_by=actor,
        idempotency_key=key,
        status=Status.REGISTERED,
        **fields,
    )
    appeal.search_text = _search_text(appeal)
    appeal.save(force_insert=True)
    event = events.record(appeal, "registered", actor=actor, to_state=Status.REGISTERED)
    for upload in files:
        _store_attachment(appeal, upload, actor=actor, event=event)
    appeal._prefetched_objects_cache = {
        "events": _as_read(appeal.events.all(), [event]),
        "clocks": _as_read(appeal.clocks.all(), []),
        "assignments": _as_read(appeal.assignments.all(), []),
    }
    return appeal


def _as_read(queryset: Any, rows: list[Any]) -> Any:
    """`queryset` already evaluated to `rows` (what prefetch_related leaves behind)."""
    queryset._result_cache = rows
    queryset._prefetch_done = True
    return queryset


def _check_files(files: Sequence[UploadedFile]) -> None:
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": f"附件最多 {MAX_ATTACHMENTS} 个。"})
    for upload in files:
        name = upload.name or ""
        suffix = Path(name).suffix.lower()
        if suffix not in ALLOWED_SUFFIXES:
            raise ValidationError(
                {
                    "attachments": f"附件“{name}”的类型不允许，只接受 PDF、图片、Word、Excel 和文本文件。"
                }
            )
        if (upload.size or 0) > MAX_ATTACHMENT_BYTES:
            raise ValidationError({"attachments": f"附件“{name}”超过 10 MB。"})
        if suffix in _MAGIC:
            head = upload.read(8)
            upload.seek(0)
            if not any(head.startswith(m) for m in _MAGIC[suffix]):
                raise ValidationError({"attachments": f"附件“{name}”的内容与扩展名不符。"})


def _store_attachment(
    appeal: Appeal,
    upload: UploadedFile,
    *,
    actor: Any,
    event: Any = None,
    staff_only: bool = False,
) -> Attachment:
    attachment = Attachment(
        appeal=appeal,
        event=event,
        token=secrets.token_hex(16),
        name=Path(upload.name or "file").name[:200],
        content_type=getattr(upload, "content_type", "") or "application/octet-stream",
        size=upload.size or 0,
        staff_only=staff_only,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    attachment.file.save(attachment.name, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def add_attachments(
    appeal: Appeal, *, actor: User, files: Sequence[UploadedFile], staff_only: bool = False
) -> list[Attachment]:
    appeal = _lock(appeal)
    check("attach", appeal.status)
    _require(selectors.can_see(actor, appeal), actor, "attach", appeal)
    if selectors.is_enterprise_owner(actor, appeal):
        staff_only = False
    _check_files(files)
    if not files:
        raise ValidationError({"attachments": "请选择要上传的文件。"})
    event = events.record(
        appeal, "attached", actor=actor, from_state=appeal.status, staff_only=staff_only
    )
    return [
        _store_attachment(appeal, f, actor=actor, event=event, staff_only=staff_only) for f in files
    ]
