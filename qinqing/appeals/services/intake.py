"""受理: registering an appeal (idempotent) and its attachments."""

import hashlib
import secrets
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from qinqing.accounts.models import Organisation, OrgKind, Role, User
from qinqing.accounts.permissions import enterprise_uscc, has_role, org_in_scope
from qinqing.appeals import events, hooks, selectors
from qinqing.appeals.models import Appeal, Attachment, Channel, Status
from qinqing.appeals.services.common import (
    _default_division,
    _lock,
    _require,
    _search_text_after_number,
)
from qinqing.appeals.services.intake_input import IntakeInput, check_files
from qinqing.appeals.services.numbers import insert_numbered
from qinqing.appeals.transitions import check
from qinqing.enterprises.models import Enterprise


# --- 受理 --------------------------------------------------------------------------------
def idempotency_key_for(actor: Any, key: str) -> str | None:
    """The stored key: a client's key is unique per caller, never across callers."""
    return f"{actor.pk}:{key}" if key else None


def content_key(*parts: Any) -> str:
    """An idempotency key derived from a request's content (for clients that send none)."""
    return "h:" + hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:40]


def register_appeal(
    data: IntakeInput | None = None, *, actor: User, **fields: Any
) -> tuple[Appeal, bool]:
    """Register an appeal. Returns (appeal, created); a repeated idempotency key returns
    the appeal created the first time and changes nothing. `data` is already checked
    (IntakeInput); what is decided here depends on the actor. Callers not yet passing
    an IntakeInput give its fields as keywords (the same check runs once, here)."""
    if data is None:
        data = IntakeInput(**fields)
    elif fields:
        raise TypeError("register_appeal takes an IntakeInput or its fields, not both")
    # A repeated key is caught by the unique index when the appeal is inserted (then the
    # first appeal is read); a new appeal, the usual case, costs no look-up first.
    key = idempotency_key_for(actor, data.idempotency_key)
    enterprise, channel = data.enterprise, data.channel
    own_uscc = enterprise_uscc(actor)
    staff = has_role(actor, Role.INTAKE_OPERATOR, Role.SUPERVISOR, Role.ADMIN) or getattr(
        actor, "is_superuser", False
    )
    if own_uscc and not staff:
        enterprise = _own_enterprise(own_uscc, given=enterprise)
        if channel not in (Channel.PORTAL, Channel.API, Channel.OPEN311):
            channel = Channel.PORTAL
    else:
        # the one role rule from outside appeals: a delegate vouches (appeals/hooks.py)
        _require(staff or hooks.delegated_intake(actor, enterprise, channel), actor, "register")
    division = data.division or (enterprise.division if enterprise else None) or _default_division()
    if division.kind != OrgKind.DIVISION:
        raise ValidationError({"division": "所属区划必须是行政区划。"})
    if staff and not getattr(actor, "is_superuser", False) and not own_uscc:
        _require(
            org_in_scope(actor, division, Role.INTAKE_OPERATOR, Role.SUPERVISOR, Role.ADMIN),
            actor,
            "register",
        )
    try:
        appeal = _create_appeal(
            data,
            actor=actor,
            key=key,
            channel=channel,
            enterprise=enterprise,
            division=division,
        )
    except IntegrityError:
        if key:
            existing = Appeal.objects.filter(idempotency_key=key).first()
            if existing is not None:
                return existing, False
        raise
    return appeal, True


def _own_enterprise(own_uscc: str, *, given: Enterprise | None) -> Enterprise:
    """An enterprise user files for the enterprise on their account, never another."""
    if given is not None and given.uscc != own_uscc:
        # never file it silently under the caller's own enterprise
        raise ValidationError(
            {
                "enterprise": f"统一社会信用代码 {given.uscc} 不是您账号关联的企业"
                f"（{own_uscc}），企业用户只能为本企业提交诉求。"
            }
        )
    enterprise = given or Enterprise.objects.filter(uscc=own_uscc).first()
    if enterprise is None:
        raise ValidationError(
            {"enterprise": "您的账号关联的企业不在企业库中，请联系营商服务中心。"}
        )
    return enterprise


def _create_appeal(
    data: IntakeInput,
    *,
    actor: User,
    key: str | None,
    channel: str,
    enterprise: Enterprise | None,
    division: Organisation,
) -> Appeal:
    """Insert the appeal once (its number, taken without a lock held, and its search
    text written with it: services/numbers.py) and its first event, all or nothing: one
    statement, or one transaction with the attachments. The returned appeal carries what
    was written (`written_events`: its timeline; it has no clocks or assignments yet),
    so the answer needs no reads after the commit."""
    appeal = Appeal(
        type=data.appeal_type,
        channel=channel,
        category=data.category,
        title=data.title,
        description=data.description,
        enterprise=enterprise,
        requester_name=data.requester_name,
        requester_phone=data.requester_phone,
        address=data.address,
        division=division,
        lat=data.lat,
        lon=data.lon,
        created_by=actor,
        idempotency_key=key,
        status=Status.REGISTERED,
    )
    event = events.build(appeal, "registered", actor=actor, to_state=Status.REGISTERED)
    with transaction.atomic() if data.files else nullcontext():
        insert_numbered(
            appeal,
            event,
            link="appeal",
            division=division,
            now=timezone.now(),
            search_after_number=_search_text_after_number(appeal),
        )
        for upload in data.files:
            _store_attachment(appeal, upload, actor=actor, event=event)
        events.announce_written(event)
    appeal.written_events = [event]  # what this call wrote: the answer reads no timeline
    return appeal


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
    check_files(files)
    if not files:
        raise ValidationError({"attachments": "请选择要上传的文件。"})
    event = events.record(
        appeal, "attached", actor=actor, from_state=appeal.status, staff_only=staff_only
    )
    return [
        _store_attachment(appeal, f, actor=actor, event=event, staff_only=staff_only) for f in files
    ]
