"""Shared helpers of the matter services: text cleaning, the clock, guards and saves."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from qinqing.accounts.permissions import deny
from qinqing.catalog import selectors
from qinqing.catalog.models import (
    Matter,
)

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
