"""Allowed status changes of warnings and correction requests."""

from qinqing.enterprises.models import CorrectionStatus, WarningStatus

WARNING_TRANSITIONS: dict[str, frozenset[str]] = {
    WarningStatus.OPEN: frozenset(
        {WarningStatus.ACKNOWLEDGED, WarningStatus.VISIT, WarningStatus.APPEAL}
    ),
    WarningStatus.ACKNOWLEDGED: frozenset({WarningStatus.VISIT, WarningStatus.APPEAL}),
    WarningStatus.VISIT: frozenset({WarningStatus.APPEAL}),
    WarningStatus.APPEAL: frozenset(),
}

CORRECTION_TRANSITIONS: dict[str, frozenset[str]] = {
    CorrectionStatus.PENDING: frozenset({CorrectionStatus.APPROVED, CorrectionStatus.REJECTED}),
    CorrectionStatus.APPROVED: frozenset(),
    CorrectionStatus.REJECTED: frozenset(),
}


class TransitionError(ValueError):
    """The change is not allowed from the current status (message in Chinese)."""


def check(table: dict[str, frozenset[str]], current: str, target: str) -> None:
    if target not in table.get(current, frozenset()):
        labels = {**dict(WarningStatus.choices), **dict(CorrectionStatus.choices)}
        raise TransitionError(
            f"当前状态“{labels.get(current, current)}”不能变更为“{labels.get(target, target)}”"
        )
