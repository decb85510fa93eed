"""The registry of named platform figures an indicator's formula can read.

Each figure is `fn(department_ids, start, end) -> {department id: value in [0, 1] or None}`
for the period [start, end). Other apps may add figures with `register_figure` from their
AppConfig.ready.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

FigureFn = Callable[[Iterable[int], dt.datetime, dt.datetime], dict[int, float | None]]
_REGISTRY: dict[str, tuple[Any, FigureFn]] = {}


def register_figure(name: str, label: Any) -> Callable[[FigureFn], FigureFn]:
    def decorator(fn: FigureFn) -> FigureFn:
        _REGISTRY[name] = (label, fn)
        return fn

    return decorator


def figure_choices() -> list[tuple[str, Any]]:
    return [(name, label) for name, (label, _fn) in sorted(_REGISTRY.items())]


def compute(
    name: str, department_ids: Iterable[int], start: dt.datetime, end: dt.datetime
) -> dict[int, float | None]:
    if name not in _REGISTRY:
        raise KeyError(f"unknown figure {name!r}")
    return _REGISTRY[name][1](list(department_ids), start, end)


def label(name: str) -> Any:
    return _REGISTRY[name][0] if name in _REGISTRY else name


def _appeal_rate(num: Q, den: Q) -> FigureFn:
    def fn(ids: Iterable[int], start: dt.datetime, end: dt.datetime) -> dict[int, float | None]:
        from qinqing.appeals.models import Appeal

        rows = (
            Appeal.objects.filter(
                lead_department_id__in=list(ids), created_at__gte=start, created_at__lt=end
            )
            .exclude(status="duplicate")
            .values("lead_department_id")
            .annotate(n=Count("id", filter=num), d=Count("id", filter=den))
            .order_by()
        )
        return {r["lead_department_id"]: (r["n"] / r["d"] if r["d"] else None) for r in rows}

    return fn


register_figure("appeal_satisfied_rate", _("Appeal satisfaction rate"))(
    _appeal_rate(Q(rating__in=["very_satisfied", "satisfied", "basic"]), ~Q(rating=""))
)
register_figure("appeal_ack_on_time_rate", _("On-time response rate"))(
    _appeal_rate(Q(ack_on_time=True), Q(ack_on_time__isnull=False))
)
register_figure("appeal_close_on_time_rate", _("Closed-on-time rate"))(
    _appeal_rate(Q(closed_on_time=True), Q(closed_on_time__isnull=False))
)
register_figure("appeal_solved_rate", _("Solved rate"))(
    _appeal_rate(Q(callback_solved=True), Q(callback_solved__isnull=False))
)


def _rating_figure(attr: str) -> FigureFn:
    def fn(ids: Iterable[int], start: dt.datetime, end: dt.datetime) -> dict[int, float | None]:
        from qinqing.ratings.metrics import rating_figures
        from qinqing.ratings.models import Rating

        qs = Rating.objects.filter(department_id__in=list(ids))
        return {
            f.key: getattr(f, attr)
            for f in rating_figures(start=start, end=end, by="department", qs=qs)
        }

    return fn


register_figure("rating_good_rate", _("Good rating rate (好评率)"))(_rating_figure("good_rate"))
register_figure("rating_rectify_rate", _("Bad rating rectification rate"))(
    _rating_figure("rectify_rate")
)
register_figure("rating_callback_rate", _("Bad rating call-back rate"))(
    _rating_figure("callback_rate")
)
