"""Uploaded files kept beside a record: checked by kind, size and first bytes, then
stored under MEDIA_ROOT (outside the web root) with an unguessable token, for a view
that checks access to serve. Used by the task list's evidence (佐证材料) and the
cadres' visit photos (走访照片)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models

OLE = b"\xd0\xcf\x11\xe0"
ZIP = b"PK\x03\x04"
IMAGE_MAGIC = {".jpg": b"\xff\xd8", ".jpeg": b"\xff\xd8", ".png": b"\x89PNG"}
DOCUMENT_MAGIC = {
    ".pdf": b"%PDF",
    **IMAGE_MAGIC,
    ".docx": ZIP,
    ".xlsx": ZIP,
    ".doc": OLE,
    ".xls": OLE,
}


@dataclass(frozen=True)
class UploadRule:
    """What one form field accepts; the words are what the person reads."""

    field: str  # the form field the errors go on
    noun: str  # 文件 / 照片
    too_many: str  # e.g. "佐证材料最多 6 个。"
    max_count: int
    max_bytes: int
    size_text: str  # e.g. "10 MB"
    magic: dict[str, bytes]  # suffix -> the bytes such a file starts with
    kinds_text: str  # e.g. "PDF、JPG、PNG、Word 和 Excel"

    def fail(self, name: str, what: str) -> ValidationError:
        return ValidationError({self.field: f"{self.noun}“{name}”{what}"})


def check_uploads(files: Sequence[UploadedFile], rule: UploadRule) -> None:
    """Refuse the whole set, naming the file, when one is of a kind not allowed, too
    big, empty, or not what its extension says."""
    if len(files) > rule.max_count:
        raise ValidationError({rule.field: rule.too_many})
    for upload in files:
        name = Path(upload.name or "").name
        suffix = Path(name).suffix.lower()
        if suffix not in rule.magic:
            raise rule.fail(name, f"的类型不允许，只接受 {rule.kinds_text}。")
        if (upload.size or 0) > rule.max_bytes:
            raise rule.fail(name, f"超过 {rule.size_text}。")
        if not upload.size:
            raise rule.fail(name, "是空的。")
        head = upload.read(8)
        upload.seek(0)
        if not head.startswith(rule.magic[suffix]):
            raise rule.fail(name, "的内容与扩展名不符。")


def store_upload(
    record: models.Model, upload: UploadedFile, *, default_type: str, default_name: str
) -> None:
    """Save a checked upload on a record with `token`, `file`, `name`, `content_type` and
    `size` fields (its owner already set), then the record itself."""
    record.token = secrets.token_hex(16)  # type: ignore[attr-defined]
    record.name = Path(upload.name or default_name).name[:200]  # type: ignore[attr-defined]
    record.content_type = getattr(upload, "content_type", "") or default_type  # type: ignore[attr-defined]
    record.size = upload.size or 0  # type: ignore[attr-defined]
    record.file.save(record.name, upload, save=False)  # type: ignore[attr-defined]
    record.save()
