"""Helpers every appeal write shares: locking, refusing, saving, notifying."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError

from qinqing.accounts.models import Organisation, OrgKind, User
from qinqing.accounts.permissions import deny
from qinqing.accounts.permissions import users_with_role as _users_with_role
from qinqing.accounts.services import cached_organisation
from qinqing.appeals.models import (
    Appeal,
)
from qinqing.appeals.transitions import check
from qinqing.core.notify import notify

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5
ALLOWED_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx", ".txt"}
_MAGIC = {".pdf": [b"%PDF"], ".png": [b"\x89PNG"], ".jpg": [b"\xff\xd8"], ".jpeg": [b"\xff\xd8"]}
CLOCK_ZH = {"acknowledge": "签收", "contact": "联系企业", "reply": "答复", "callback": "回访"}
ACTION_ZH = {"remind": "提醒", "urge": "催办", "supervise": "督办", "report": "通报"}


# --- helpers -------------------------------------------------------------------------
def _lock(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update().get(pk=appeal.pk)


def _refuse(actor: Any, action: str, appeal: Appeal | None = None) -> Exception:
    return deny(None, actor, f"appeals:{action}", appeal=appeal.pk if appeal else None)


def _require(condition: bool, actor: Any, action: str, appeal: Appeal | None = None) -> None:
    if not condition:
        raise _refuse(actor, action, appeal)


def _set_status(appeal: Appeal, action: str, target: str | None = None) -> tuple[str, str]:
    step = check(action, appeal.status)
    before = appeal.status
    appeal.status = target or step.target or before
    return before, appeal.status


def _save(appeal: Appeal, *fields: str) -> None:
    appeal.save(update_fields=["status", "updated_at", *fields])


def _text(value: str, field: str, label: str, *, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: f"请填写{label}。"})
    if max_length and len(value) > max_length:
        raise ValidationError({field: f"{label}不能超过 {max_length} 个字。"})
    return value


def _staff_url(appeal: Appeal) -> str:
    return f"/appeals/{appeal.pk}/"


def _users(role: str, org: Organisation | None) -> list[User]:
    return list(_users_with_role(role, org)) if org is not None else []


def _enterprise_users(appeal: Appeal) -> list[User]:
    if appeal.enterprise_id and appeal.enterprise is not None:
        return list(User.objects.filter(uscc=appeal.enterprise.uscc, is_active=True))
    return [appeal.created_by] if appeal.created_by and appeal.created_by.uscc else []


def _notify(users: Iterable[User], appeal: Appeal, kind: str, title: str, **kw: Any) -> None:
    notify(users, kind=f"appeal.{kind}", title=title, url=_staff_url(appeal), **kw)


def _default_division() -> Organisation:
    """The root division (an appeal without enterprise or division belongs to it); read
    once and cached until organisations change."""
    return cached_organisation("default-division", _root_division)


def _root_division() -> Organisation:
    division = Organisation.objects.filter(kind=OrgKind.DIVISION, depth=0).order_by("id").first()
    if division is None:
        raise ValidationError({"division": "系统尚未设置行政区划，无法受理。"})
    return division


def _search_text_after_number(appeal: Appeal) -> str:
    """What the ledger's text search reads after the number it starts with (title, text,
    address, enterprise), lowercased; services/numbers.py writes the two together."""
    parts = [appeal.title, appeal.description, appeal.address]
    if appeal.enterprise is not None:
        parts += [appeal.enterprise.name, appeal.enterprise.uscc]
    return " ".join(p for p in parts if p).lower()
