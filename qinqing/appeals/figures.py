"""The appeals' figures (诉求办理指标), registered in qinqing.core.figures at start-up.

Every screen that shows one of these (the appeals metrics and API, the cockpit, the
assessment, the drill-down lists) counts these parts with these filters.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from qinqing.appeals.models import (
    OPEN_STATUSES,
    Assignment,
    Clock,
    ClockKind,
    Rating,
    Status,
)
from qinqing.core.figures import (
    Figure,
    PartFilter,
    Population,
    register_figure,
    register_population,
)

DEFAULT_WEIGHTS: dict[str, float] = {
    Rating.VERY_SATISFIED: 1.0,
    Rating.SATISFIED: 1.0,
    Rating.BASIC: 1.0,
    Rating.UNSATISFIED: 0.0,
    Rating.VERY_UNSATISFIED: 0.0,
}
RATING_PARTS = {level: f"rated_{level}" for level in Rating.values}


def satisfaction_weights() -> dict[str, float]:
    """Per five-level answer; the APPEAL_SATISFACTION_WEIGHTS setting overrides."""
    return {**DEFAULT_WEIGHTS, **getattr(settings, "APPEAL_SATISFACTION_WEIGHTS", {})}


def _open() -> Q:
    return Q(status__in=list(OPEN_STATUSES))


def _clock_overdue(kinds: tuple[str, ...]) -> PartFilter:
    def build(now: dt.datetime) -> Q:
        running = Clock.objects.filter(
            appeal=OuterRef("pk"),
            kind__in=kinds,
            stopped_at__isnull=True,
            paused_at__isnull=True,
            due_at__lt=now,
        )
        return _open() & Q(Exists(running))

    return build


def _fixed(q: Q) -> PartFilter:
    return lambda now: q


APPEAL_PARTS = {
    "received": _fixed(Q()),
    "open": lambda now: _open(),
    "overdue": lambda now: _open() & Q(next_due_at__lt=now),
    "closed": _fixed(Q(status=Status.CLOSED)),
    "ack_on_time": _fixed(Q(ack_on_time=True)),
    "ack_late": _fixed(Q(ack_on_time=False)),
    "ack_open_overdue": lambda now: (
        Q(ack_on_time__isnull=True) & _clock_overdue((ClockKind.ACKNOWLEDGE,))(now)
    ),
    "contact_on_time": _fixed(Q(contact_on_time=True)),
    "contact_late": _fixed(Q(contact_on_time=False)),
    "contact_open_overdue": lambda now: (
        Q(contact_on_time__isnull=True) & _clock_overdue((ClockKind.CONTACT,))(now)
    ),
    "closed_on_time": _fixed(Q(status=Status.CLOSED, closed_on_time=True)),
    "close_open_overdue": _clock_overdue((ClockKind.REPLY, ClockKind.CALLBACK)),
    "called_back": _fixed(Q(callback_solved__isnull=False)),
    "solved": _fixed(Q(callback_solved=True)),
    "replied": _fixed(Q(replied_at__isnull=False)),
    "reopened": _fixed(Q(reopen_count__gt=0)),
    **{part: _fixed(Q(rating=level)) for level, part in RATING_PARTS.items()},
}
APPEAL_PART_LABELS = {
    "received": "登记的诉求",
    "open": "尚未办结、撤回或归为重复件",
    "overdue": "未办结且有计时已超期（挂起的不计）",
    "closed": "已办结",
    "ack_on_time": "按时签收或退回",
    "ack_late": "超时签收或退回",
    "ack_open_overdue": "尚未签收且签收计时已超期",
    "contact_on_time": "按时联系企业",
    "contact_late": "超时联系企业",
    "contact_open_overdue": "尚未联系且联系计时已超期",
    "closed_on_time": "已办结且每轮答复均按时",
    "close_open_overdue": "未办结且答复或回访计时已超期",
    "called_back": "已回访",
    "solved": "回访答复“已解决”",
    "replied": "已答复过",
    "reopened": "重办过",
    "rated_very_satisfied": "回访评价为“非常满意”",
    "rated_satisfied": "回访评价为“满意”",
    "rated_basic": "回访评价为“基本满意”",
    "rated_unsatisfied": "回访评价为“不满意”",
    "rated_very_unsatisfied": "回访评价为“非常不满意”",
}


def _satisfaction_numerator() -> dict[str, float]:
    weights = satisfaction_weights()
    return {part: weights.get(level, 0.0) for level, part in RATING_PARTS.items()}


def _lead_base() -> Q:
    return Q(role=Assignment.Role.LEAD) & ~Q(appeal__status=Status.DUPLICATE)


def register() -> None:
    register_population(
        Population(
            name="appeals",
            model="appeals.Appeal",
            period_field="created_at",
            base=lambda: ~Q(status=Status.DUPLICATE),
            parts=APPEAL_PARTS,
            part_labels=APPEAL_PART_LABELS,
            groups={
                "department": "lead_department_id",
                "division": "division_id",
                "category": "category_id",
            },
            description=(
                "Appeals (诉求) by the moment they were registered (`created_at`, China time); "
                "duplicates (重复件) are left out, withdrawn ones count as registered. "
                "Grouped by the current lead department (主办单位), division or category. "
                "“Overdue” means a running clock (not paused by 挂起) past its due time at the "
                "moment of counting; open overdue appeals count against on-time rates."
            ),
        )
    )
    register_population(
        Population(
            name="lead_assignments",
            model="appeals.Assignment",
            period_field="appeal__created_at",
            base=_lead_base,
            parts={"assigned": _fixed(Q()), "returned": _fixed(Q(state=Assignment.State.RETURNED))},
            part_labels={"assigned": "主办派单", "returned": "被退回的主办派单"},
            groups={"department": "department_id", "division": "appeal__division_id"},
            description=(
                "Lead assignments (主办派单) of the appeals registered in the period, grouped by "
                "the department that received (and perhaps returned) them."
            ),
        )
    )
    figures = [
        Figure("appeal_received", "受理量", "appeals", {"received": 1}, order=10, cockpit=True,
               definition="本期登记的诉求件数（不含重复件）。"),
        Figure("appeal_open", "待处理", "appeals", {"open": 1}, order=11, cockpit=True,
               definition="本期登记、目前尚未办结的诉求件数。"),
        Figure("appeal_overdue", "超期", "appeals", {"overdue": 1}, order=12, cockpit=True,
               definition="本期登记、尚未办结且有计时已过时限的诉求件数（挂起期间不计）。"),
        Figure("appeal_closed", "已办结", "appeals", {"closed": 1}, order=13, cockpit=True,
               definition="本期登记、已办结的诉求件数。"),
        Figure("appeal_ack_on_time_rate", "按时签收率", "appeals", {"ack_on_time": 1},
               ("ack_on_time", "ack_late", "ack_open_overdue"), order=20,
               definition="首次签收或退回在签收时限内的件数 ÷（已签收或退回的件数 + 尚未签收且已超时的件数）。"),
        Figure("appeal_response_on_time_rate", "按时响应率", "appeals", {"contact_on_time": 1},
               ("contact_on_time", "contact_late", "contact_open_overdue"), order=21, cockpit=True,
               definition="签收后在联系时限（默认 2 个工作日）内首次联系企业的件数 ÷（已联系的件数 + 尚未联系且已超时的件数）。"),
        Figure("appeal_close_on_time_rate", "按时办结率", "appeals", {"closed_on_time": 1},
               ("closed", "close_open_overdue"), order=22, cockpit=True,
               definition="每轮答复都在时限内的已办结件数 ÷（已办结件数 + 未办结且答复或回访已超时的件数）。"),
        Figure("appeal_solved_rate", "问题解决率", "appeals", {"solved": 1}, ("called_back",),
               order=23, cockpit=True,
               definition="回访答复“已解决”的件数 ÷ 已回访件数（以最近一次回访为准，重办后待再次回访）。"),
        Figure("appeal_satisfied_rate", "满意率", "appeals", _satisfaction_numerator,
               tuple(RATING_PARTS.values()), order=24, cockpit=True,
               definition="Σ 各级评价的权重 ÷ 已评价件数；权重默认 非常满意、满意、基本满意 为 1，不满意、非常不满意 为 0，权重可在部署配置中调整。"),
        Figure("appeal_reopen_rate", "重办率", "appeals", {"reopened": 1}, ("replied",), order=25,
               definition="重办过的件数 ÷ 答复过的件数。"),
        Figure("appeal_return_rate", "退回率", "lead_assignments", {"returned": 1}, ("assigned",),
               order=26, definition="被退回的主办派单 ÷ 主办派单（按接收并退回的部门计）。"),
    ]  # fmt: skip
    for fig in figures:
        register_figure(fig)
