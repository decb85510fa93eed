"""The figures of 好差评, registered in qinqing.core.figures at start-up (see
ratings/metrics.py for the per-window/person tables built on the same parts)."""

from django.db.models import Q

from qinqing.core.figures import (
    Figure,
    PartFilter,
    Population,
    register_figure,
    register_population,
)
from qinqing.ratings import conf
from qinqing.ratings.models import Level, RectificationStatus

DONE = (RectificationStatus.RECTIFIED, RectificationStatus.CLOSED)


def _fixed(q: Q) -> PartFilter:
    return lambda now: q


RATING_PARTS = {
    "rated": _fixed(Q()),
    "good": _fixed(Q(level__in=(Level.VERY_SATISFIED, Level.SATISFIED))),
    "basic": _fixed(Q(level=Level.BASIC)),
    "bad": _fixed(Q(is_bad=True)),
    "rectified": _fixed(Q(is_bad=True, rectification__status__in=DONE)),
    "called_back": _fixed(Q(is_bad=True, rectification__status=RectificationStatus.CLOSED)),
}
RATING_PART_LABELS = {
    "rated": "评价",
    "good": "非常满意或满意",
    "basic": "基本满意",
    "bad": "差评（不满意、非常不满意）",
    "rectified": "差评且已整改（已整改或已回访）",
    "called_back": "差评且整改后已回访",
}
SERVICE_PARTS = {
    "handled": _fixed(Q()),
    "rated": _fixed(Q(rating__isnull=False, rating__excluded=False)),
}


def _good_numerator() -> dict[str, float]:
    return {"good": 1.0, "basic": 1.0 if conf.basic_counts_as_good() else 0.0}


def register() -> None:
    register_population(
        Population(
            name="ratings",
            model="ratings.Rating",
            period_field="rated_at",
            base=lambda: Q(excluded=False),
            parts=RATING_PARTS,
            part_labels=RATING_PART_LABELS,
            groups={"department": "department_id", "window": "window_id"},
            description=(
                "Ratings (好差评) by the moment they were given (`rated_at`); a rating whose "
                "contest (申诉) was accepted is left out of every figure."
            ),
        )
    )
    register_population(
        Population(
            name="service_events",
            model="ratings.ServiceEvent",
            period_field="occurred_at",
            base=lambda: Q(),
            parts=SERVICE_PARTS,
            part_labels={
                "handled": "办理完成的服务（办结的诉求、决定的申报和兑现、窗口办事……）",
                "rated": "其中已评价的（申诉成立作废的不算）",
            },
            groups={"department": "department_id", "window": "window_id"},
            description=(
                "Services rendered (服务事件: an appeal closed, an application or payout decided, "
                "a window visit) by the moment they were rendered (`occurred_at`)."
            ),
        )
    )
    figures = [
        Figure("service_handled", "办件量", "service_events", {"handled": 1}, order=30,
               cockpit=True, definition="本期办理完成、可以评价的服务件数。"),
        Figure("service_rated", "已评价", "service_events", {"rated": 1}, order=31, cockpit=True,
               definition="本期办理完成的服务中已获评价的件数。"),
        Figure("rating_participation_rate", "参评率", "service_events", {"rated": 1},
               ("handled",), order=32, cockpit=True,
               definition="已评价的服务件数 ÷ 办理完成的服务件数（按服务完成时间计）。"),
        Figure("rating_count", "评价量", "ratings", {"rated": 1}, order=33, cockpit=True,
               definition="本期收到的评价数（申诉成立作废的不算）。"),
        Figure("rating_good_rate", "好评率", "ratings", _good_numerator, ("rated",), order=34,
               cockpit=True,
               definition="（非常满意 + 满意）÷ 评价量；部署配置选择“基本满意计为好评”时，基本满意也算好评。"),
        Figure("rating_bad", "差评", "ratings", {"bad": 1}, order=35, cockpit=True,
               definition="本期收到的不满意和非常不满意评价数。"),
        Figure("rating_rectify_rate", "差评整改率", "ratings", {"rectified": 1}, ("bad",),
               order=36, definition="已整改（含已回访）的差评 ÷ 差评。"),
        Figure("rating_callback_rate", "差评回访率", "ratings", {"called_back": 1}, ("bad",),
               order=37, definition="整改后已回访的差评 ÷ 差评。"),
    ]  # fmt: skip
    for fig in figures:
        register_figure(fig)
