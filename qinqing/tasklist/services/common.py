"""Helpers every task-list write shares: refusing, cleaning input, finding recipients."""

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from qinqing.accounts.models import Organisation, Role, User
from qinqing.accounts.permissions import deny, users_with_role

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_NUMBER = Decimal("999999999999")  # what a 14-digit, 2-decimal column holds


def require(condition: bool, actor: Any, action: str, **detail: Any) -> None:
    if not condition:
        raise deny(None, actor, f"tasklist:{action}", **detail)


def clean_text(
    value: Any, field: str, label: str, *, max_length: int, required: bool = True
) -> str:
    """Text without control characters; a Chinese error naming the field otherwise."""
    text = _CONTROL.sub("", str(value if value is not None else "")).strip()
    if required and not text:
        raise ValidationError({field: f"请填写{label}。"})
    if len(text) > max_length:
        raise ValidationError({field: f"{label}不能超过 {max_length} 个字。"})
    return text


def has_control_chars(value: Any) -> bool:
    return isinstance(value, str) and bool(_CONTROL.search(value))


def clean_number(value: Any, field: str, label: str, *, required: bool = True) -> Decimal | None:
    """A finite number in [0, MAX_NUMBER] with two decimals; NaN, infinity, negative and
    huge numbers are refused with a Chinese message naming the field."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError({field: f"请填写{label}。"})
        return None
    if isinstance(value, bool):
        raise ValidationError({field: f"{label}应为数字。"})
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: f"{label}应为数字。"}) from None
    if not number.is_finite():
        raise ValidationError({field: f"{label}应为有限的数字。"})
    if number < 0 or number > MAX_NUMBER:
        raise ValidationError({field: f"{label}应在 0 到 {MAX_NUMBER} 之间。"})
    return number.quantize(Decimal("0.01"))


def unit_people(units: Iterable[Organisation], *roles: str) -> list[User]:
    """People holding `roles` directly at the units (not at an ancestor: the district's
    supervisors are no department's handlers)."""
    ids = [u.pk for u in units]
    return list(
        User.objects.filter(
            is_active=True, memberships__role__in=roles, memberships__organisation_id__in=ids
        ).distinct()
    )


def unit_staff(units: Iterable[Organisation]) -> list[User]:
    return unit_people(units, Role.HANDLER, Role.DEPT_HEAD)


def overseers(unit: Organisation, role: str = Role.SUPERVISOR) -> list[User]:
    """Supervisors (or leaders) over the unit: at it or at one of its ancestors."""
    return list(users_with_role(role, unit))
