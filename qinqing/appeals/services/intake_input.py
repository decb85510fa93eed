"""The one input every intake adapter hands to `register_appeal`.

The portal and intake forms, the JSON API, Open311, liaison and ratings build an
`IntakeInput`; building it checks the shape of every field once (text required and
within its column, channel and type known, phone plausible, coordinates finite and on
the globe, attachments allowed) and raises one ValidationError naming every bad field.
References arrive resolved: the adapters look them up with the functions below, which
name the adapter's own field when nothing is found. `register_appeal` then decides
only what depends on the actor (whose enterprise, which division, may they register).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q

from qinqing.accounts.models import Organisation, OrgKind
from qinqing.appeals.models import AppealType, Category, Channel
from qinqing.appeals.services.common import (
    _MAGIC,
    ALLOWED_SUFFIXES,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
)
from qinqing.enterprises.models import Enterprise

MAX_IDEMPOTENCY_KEY = 150
# field, label, longest accepted (the model's column), required
_TEXTS = (
    ("title", "标题", 200, True),
    ("description", "诉求内容", 5000, True),
    ("requester_name", "联系人", 50, True),
    ("requester_phone", "联系电话", 30, True),
    ("address", "地址", 200, False),
)
_BOUNDS = {"lat": 90.0, "lon": 180.0}
# (Django's `Choices.values` builds a new list at every use)
_CHANNELS = frozenset(Channel.values)
_TYPES = frozenset(AppealType.values)


@dataclass(frozen=True, kw_only=True)
class IntakeInput:
    """A new appeal, checked once when built (see the module docstring); text fields
    hold the trimmed values."""

    channel: str
    title: str
    description: str
    requester_name: str
    requester_phone: str
    appeal_type: str = AppealType.APPEAL
    category: Category | None = None
    enterprise: Enterprise | None = None
    division: Organisation | None = None
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    idempotency_key: str = ""
    files: Sequence[UploadedFile] = field(default=())

    def __post_init__(self) -> None:
        errors: dict[str, str] = {}
        for name, label, limit, required in _TEXTS:
            value = (getattr(self, name) or "").strip()
            object.__setattr__(self, name, value)
            if required and not value:
                errors[name] = f"请填写{label}。"
            elif len(value) > limit:
                errors[name] = f"{label}不能超过 {limit} 个字。"
        phone = self.requester_phone
        if "requester_phone" not in errors and (
            len(phone) < 5 or not any(ch.isdigit() for ch in phone)
        ):
            errors["requester_phone"] = "联系电话格式不正确。"
        if self.channel not in _CHANNELS:
            errors["channel"] = "受理渠道无效。"
        if self.appeal_type not in _TYPES:
            errors["type"] = "诉求类型无效，应为诉求、投诉、咨询、建议或求助。"
        if self.category is not None and not self.category.is_active:
            errors["category"] = "该诉求分类已停用。"
        if self.division is not None and self.division.kind != OrgKind.DIVISION:
            errors["division"] = "所属区划必须是行政区划。"
        key = (self.idempotency_key or "").strip()
        object.__setattr__(self, "idempotency_key", key)
        if len(key) > MAX_IDEMPOTENCY_KEY:
            errors["idempotency_key"] = f"幂等键不能超过 {MAX_IDEMPOTENCY_KEY} 个字符。"
        for name, bound in _BOUNDS.items():
            value = getattr(self, name)
            if value is not None and (not math.isfinite(value) or not -bound <= value <= bound):
                errors[name] = f"{name} 必须是 -{bound:g} 到 {bound:g} 之间的数字。"
        object.__setattr__(self, "files", tuple(self.files or ()))
        problem = _files_problem(self.files)
        if problem:
            errors["attachments"] = problem
        if errors:
            raise ValidationError(errors)


def check_files(files: Sequence[UploadedFile]) -> None:
    """Attachments added later (`add_attachments`) pass the same check as at intake."""
    problem = _files_problem(files)
    if problem:
        raise ValidationError({"attachments": problem})


def _files_problem(files: Sequence[UploadedFile]) -> str | None:
    if len(files) > MAX_ATTACHMENTS:
        return f"附件最多 {MAX_ATTACHMENTS} 个。"
    for upload in files:
        name = upload.name or ""
        suffix = Path(name).suffix.lower()
        if suffix not in ALLOWED_SUFFIXES:
            return f"附件“{name}”的类型不允许，只接受 PDF、图片、Word、Excel 和文本文件。"
        if (upload.size or 0) > MAX_ATTACHMENT_BYTES:
            return f"附件“{name}”超过 10 MB。"
        if suffix in _MAGIC:
            head = upload.read(8)
            upload.seek(0)
            if not any(head.startswith(m) for m in _MAGIC[suffix]):
                return f"附件“{name}”的内容与扩展名不符。"
    return None


# --- look-ups the adapters share (each names the adapter's own field) -----------------
def category_by_id(pk: int | None, *, field: str = "category_id") -> Category | None:
    if pk is None:
        return None
    category = Category.objects.filter(pk=pk).first()
    if category is None:
        raise ValidationError({field: "诉求分类不存在。"})
    return category


def division_by_id(pk: int | None, *, field: str = "division_id") -> Organisation | None:
    if pk is None:
        return None
    division = Organisation.objects.filter(pk=pk).first()
    if division is None:
        raise ValidationError({field: "行政区划不存在。"})
    return division


def enterprise_by_uscc(uscc: str | None, *, field: str = "enterprise_uscc") -> Enterprise | None:
    uscc = (uscc or "").strip().upper()
    if not uscc:
        return None
    enterprise = Enterprise.objects.filter(uscc=uscc).first()
    if enterprise is None:
        raise ValidationError({field: "企业库中没有这个统一社会信用代码。"})
    return enterprise


def enterprise_by_name_or_code(
    query: str | None, *, field: str = "enterprise_query"
) -> Enterprise | None:
    """The one enterprise whose full name or credit code is `query` (staff intake)."""
    query = (query or "").strip()
    if not query:
        return None
    found: list[Any] = list(Enterprise.objects.filter(Q(uscc=query.upper()) | Q(name=query))[:2])
    if len(found) != 1:
        raise ValidationError(
            {field: f"找不到唯一的企业“{query}”，请输入完整的企业名称或统一社会信用代码。"}
        )
    return found[0]
