"""Allowed status changes of a 差评 rectification; `check_transition` is the only gate."""

from django.core.exceptions import ValidationError

from qinqing.ratings.models import RectificationStatus as S

TRANSITIONS: dict[str, set[str]] = {
    S.OPEN: {S.VERIFIED, S.VOID},
    S.VERIFIED: {S.RECTIFIED, S.VOID},
    S.RECTIFIED: {S.CLOSED, S.VOID},
    S.CLOSED: set(),
    S.VOID: set(),
}


def check_transition(current: str, new: str) -> None:
    if new not in TRANSITIONS.get(current, set()):
        raise ValidationError(
            {"status": f"整改单当前状态为“{S(current).label}”，不能变为“{S(new).label}”。"}
        )
