from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def num(value: Any) -> str:
    """A decimal without trailing zeros or exponent (100, 0.5, 12.25); "—" for none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


@register.filter
def percent(value: Any) -> str:
    return "—" if value is None else f"{float(value):.0%}"


@register.filter
def works_for_a_unit(user: Any) -> bool:
    """Whether the person reports for a responsible unit (shows 我的任务)."""
    from qinqing.tasklist.selectors import unit_ids

    return bool(unit_ids(user))
