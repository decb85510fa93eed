"""Figures of 好差评, per department, window, person or matter, for any period.

Definitions (ratings whose contest was accepted are left out of every figure):
- 评价量 (count): ratings given in the period [start, end) by `rated_at`.
- 好评率 (good_rate): (非常满意 + 满意) ÷ 评价量. With RATINGS_BASIC_COUNTS_AS_GOOD (or
  `basic_is_good=True`) 基本满意 counts as good too.
- 差评 (bad): 不满意 + 非常不满意.
- 差评整改率 (rectify_rate): 差评 whose rectification is recorded (rectified or called
  back) ÷ 差评.
- 差评回访率 (callback_rate): 差评 called back ÷ 差评.
Rates are fractions in [0, 1], or None where the denominator is 0.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from qinqing.ratings import conf
from qinqing.ratings.models import Level, Rating, RectificationStatus

GROUPS = {
    "department": ("department_id", "department__name"),
    "window": ("window_id", "window__name"),
    "person": ("handled_by_id", "handled_by__full_name"),
    "matter": ("matter", "matter"),
    "all": (None, None),
}


@dataclass(frozen=True)
class RatingFigures:
    key: Any
    label: str
    count: int
    good: int
    basic: int
    bad: int
    rectified: int
    called_back: int
    basic_is_good: bool

    @property
    def good_count(self) -> int:
        return self.good + (self.basic if self.basic_is_good else 0)

    @property
    def good_rate(self) -> float | None:
        return self.good_count / self.count if self.count else None

    @property
    def rectify_rate(self) -> float | None:
        return self.rectified / self.bad if self.bad else None

    @property
    def callback_rate(self) -> float | None:
        return self.called_back / self.bad if self.bad else None


def _aggregates() -> dict[str, Any]:
    done = (RectificationStatus.RECTIFIED, RectificationStatus.CLOSED)
    return {
        "n": Count("id"),
        "good": Count("id", filter=Q(level__in=(Level.VERY_SATISFIED, Level.SATISFIED))),
        "basic": Count("id", filter=Q(level=Level.BASIC)),
        "bad": Count("id", filter=Q(is_bad=True)),
        "rectified": Count("id", filter=Q(is_bad=True, rectification__status__in=done)),
        "called_back": Count(
            "id", filter=Q(is_bad=True, rectification__status=RectificationStatus.CLOSED)
        ),
    }


def counted(qs: QuerySet[Rating] | None = None) -> QuerySet[Rating]:
    return (qs if qs is not None else Rating.objects.all()).filter(excluded=False)


def rating_figures(
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    by: str = "department",
    qs: QuerySet[Rating] | None = None,
    basic_is_good: bool | None = None,
) -> list[RatingFigures]:
    """Figures grouped `by` department, window, person, matter or "all"; `qs` narrows the
    ratings first (pass selectors.ratings_visible_to(user) to scope to a viewer)."""
    if by not in GROUPS:
        raise ValueError(f"unknown grouping {by!r}")
    basic = conf.basic_counts_as_good() if basic_is_good is None else basic_is_good
    rows = counted(qs)
    if start is not None:
        rows = rows.filter(rated_at__gte=start)
    if end is not None:
        rows = rows.filter(rated_at__lt=end)
    key_field, label_field = GROUPS[by]
    if key_field is None:
        agg = rows.order_by().aggregate(**_aggregates())
        return [_figures(None, "", agg, basic)]
    fields = [key_field] if key_field == label_field else [key_field, label_field]
    grouped = rows.order_by().values(*fields).annotate(**_aggregates()).order_by(key_field)
    return [_figures(r[key_field], r[label_field] or "", r, basic) for r in grouped]


def _figures(key: Any, label: str, agg: dict[str, Any], basic: bool) -> RatingFigures:
    return RatingFigures(
        key=key,
        label=label,
        count=agg["n"] or 0,
        good=agg["good"] or 0,
        basic=agg["basic"] or 0,
        bad=agg["bad"] or 0,
        rectified=agg["rectified"] or 0,
        called_back=agg["called_back"] or 0,
        basic_is_good=basic,
    )


def good_rate_by_department(start: dt.datetime, end: dt.datetime) -> dict[int, float | None]:
    """{department id: 好评率}; the assessment's figure registry uses this."""
    return {f.key: f.good_rate for f in rating_figures(start=start, end=end, by="department")}
