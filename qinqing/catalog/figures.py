"""Catalog and matter figures per department, each with its one definition. The cockpit
and the assessment read them from here (`department_figures`, and the assessment-shaped
`FIGURES` functions: fn(department_ids, start, end) -> {department id: value in [0, 1]})."""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum

from qinqing.accounts.models import Organisation
from qinqing.catalog.models import (
    FINAL_MATTER,
    Matter,
    MatterStatus,
    OnlineDepth,
    ServiceItem,
    Visits,
    WatchFlag,
)

DEFINITIONS = {
    "compression": "时限压缩比 = 1 − 承诺办结时限之和 ÷ 法定办结时限之和（只计两者都有的事项）",
    "instant_rate": "即办件比率 = 即办件数 ÷ 事项数",
    "zero_visit_share": "零跑腿占比 = 到现场次数为 0 的事项数 ÷ 事项数",
    "one_visit_share": "最多跑一次占比 = 到现场次数为 0 或 1 的事项数 ÷ 事项数",
    "online_count": "网办事项数 = 网办深度达到三级（网上受理审批）及以上的事项数",
    "across_count": "通办事项数 = 通办范围为全市、全省、川渝或跨省的事项数",
    "on_time_rate": "按时办结率 = 按时办结的办件 ÷ 已办结的办件（不含不予受理和撤回）",
    "flag_count": "负面行为预警数 = 该部门办件被标记的负面行为条数",
}


@dataclass
class DepartmentFigures:
    department: Organisation
    items: int
    legal_sum: int
    promised_sum: int
    instant: int
    zero_visit: int
    one_visit: int
    online: int
    across: int
    decided: int = 0
    on_time: int = 0
    open_matters: int = 0
    flags: int = 0
    unexplained_flags: int = 0

    @staticmethod
    def _rate(n: int, d: int) -> float | None:
        return n / d if d else None

    @property
    def compression(self) -> float | None:
        return 1 - self.promised_sum / self.legal_sum if self.legal_sum else None

    @property
    def instant_rate(self) -> float | None:
        return self._rate(self.instant, self.items)

    @property
    def zero_visit_share(self) -> float | None:
        return self._rate(self.zero_visit, self.items)

    @property
    def one_visit_share(self) -> float | None:
        return self._rate(self.one_visit, self.items)

    @property
    def on_time_rate(self) -> float | None:
        return self._rate(self.on_time, self.decided)


_BOTH_LIMITS = Q(legal_days__gt=0, promised_days__isnull=False)


def department_figures(department_ids: Iterable[int] | None = None) -> list[DepartmentFigures]:
    """One row per department that has items (three aggregate queries in all)."""
    items = ServiceItem.objects.filter(is_active=True)
    matters = Matter.objects.all()
    flags = WatchFlag.objects.all()
    if department_ids is not None:
        ids = list(department_ids)
        items, matters, flags = (
            items.filter(department_id__in=ids),
            matters.filter(department_id__in=ids),
            flags.filter(department_id__in=ids),
        )
    rows = (
        items.values("department_id")
        .annotate(
            n=Count("id"),
            legal=Sum("legal_days", filter=_BOTH_LIMITS),
            promised=Sum("promised_days", filter=_BOTH_LIMITS),
            instant=Count("id", filter=Q(is_instant=True)),
            zero=Count("id", filter=Q(visits=Visits.ZERO)),
            one=Count("id", filter=Q(visits__in=[Visits.ZERO, Visits.ONE])),
            online=Count("id", filter=Q(online_depth__gte=OnlineDepth.ONLINE_REVIEW)),
            across=Count("id", filter=~Q(scope="")),
        )
        .order_by()
    )
    decided_statuses = [MatterStatus.APPROVED, MatterStatus.REFUSED]
    matter_rows = {
        r["department_id"]: r
        for r in matters.values("department_id")
        .annotate(
            decided=Count("id", filter=Q(status__in=decided_statuses)),
            on_time=Count("id", filter=Q(status__in=decided_statuses, decided_at__lte=F("due_at"))),
            open=Count("id", filter=~Q(status__in=FINAL_MATTER)),
        )
        .order_by()
    }
    flag_rows = {
        r["department_id"]: r
        for r in flags.values("department_id")
        .annotate(n=Count("id"), unexplained=Count("id", filter=Q(explained_at__isnull=True)))
        .order_by()
    }
    orgs = Organisation.objects.in_bulk([r["department_id"] for r in rows])
    result = []
    for r in rows:
        m = matter_rows.get(r["department_id"], {})
        f = flag_rows.get(r["department_id"], {})
        result.append(
            DepartmentFigures(
                department=orgs[r["department_id"]],
                items=r["n"],
                legal_sum=r["legal"] or 0,
                promised_sum=r["promised"] or 0,
                instant=r["instant"],
                zero_visit=r["zero"],
                one_visit=r["one"],
                online=r["online"],
                across=r["across"],
                decided=m.get("decided", 0),
                on_time=m.get("on_time", 0),
                open_matters=m.get("open", 0),
                flags=f.get("n", 0),
                unexplained_flags=f.get("unexplained", 0),
            )
        )
    result.sort(key=lambda x: (-x.items, x.department.name))
    return result


def district_total(rows: Iterable[DepartmentFigures]) -> DepartmentFigures | None:
    rows = list(rows)
    if not rows:
        return None
    total = DepartmentFigures(Organisation(name="全区合计"), *([0] * 8))
    for r in rows:
        for name in (
            "items",
            "legal_sum",
            "promised_sum",
            "instant",
            "zero_visit",
            "one_visit",
            "online",
            "across",
            "decided",
            "on_time",
            "open_matters",
            "flags",
            "unexplained_flags",
        ):
            setattr(total, name, getattr(total, name) + getattr(r, name))
    return total


# --- assessment-shaped figures (a period) -------------------------------------------

FigureFn = Callable[[Iterable[int], dt.datetime, dt.datetime], dict[int, float | None]]


def matter_on_time_rate(
    ids: Iterable[int], start: dt.datetime, end: dt.datetime
) -> dict[int, float | None]:
    """Matters decided in [start, end): decided on time ÷ decided (approved or refused)."""
    decided = [MatterStatus.APPROVED, MatterStatus.REFUSED]
    rows = (
        Matter.objects.filter(
            department_id__in=list(ids),
            decided_at__gte=start,
            decided_at__lt=end,
            status__in=decided,
        )
        .values("department_id")
        .annotate(n=Count("id", filter=Q(decided_at__lte=F("due_at"))), d=Count("id"))
        .order_by()
    )
    return {r["department_id"]: (r["n"] / r["d"] if r["d"] else None) for r in rows}


def matter_clean_rate(
    ids: Iterable[int], start: dt.datetime, end: dt.datetime
) -> dict[int, float | None]:
    """Matters submitted in [start, end) without any approval-watch flag ÷ all of them."""
    rows = (
        Matter.objects.filter(
            department_id__in=list(ids), submitted_at__gte=start, submitted_at__lt=end
        )
        .values("department_id")
        .annotate(d=Count("id", distinct=True), flagged=Count("flags__matter_id", distinct=True))
        .order_by()
    )
    return {
        r["department_id"]: ((r["d"] - r["flagged"]) / r["d"] if r["d"] else None) for r in rows
    }


def catalog_compression(
    ids: Iterable[int], start: dt.datetime, end: dt.datetime
) -> dict[int, float | None]:
    """时限压缩比 of the department's items now (the catalog has no period)."""
    return {r.department.pk: r.compression for r in department_figures(ids)}


FIGURES: dict[str, tuple[str, FigureFn]] = {
    "catalog_matter_on_time_rate": ("办件按时办结率", matter_on_time_rate),
    "catalog_matter_clean_rate": ("办件无负面行为率", matter_clean_rate),
    "catalog_time_compression": ("时限压缩比", catalog_compression),
}
DEFINITIONS = {
    "catalog_matter_on_time_rate": "期间内作出决定（准予或不予许可）的办件中，在承诺时限内决定的比例。",
    "catalog_matter_clean_rate": "期间内提交的办件中，没有任何负面行为标记的比例。",
    "catalog_time_compression": "本部门事项的时限压缩比：1 − 承诺时限之和 ÷ 法定时限之和（当前目录，不分期间）。",
}


# where the records behind a department's value are listed (the assessment's drill-down)
DRILL_PAGES = {
    "catalog_matter_on_time_rate": "catalog:figures",
    "catalog_matter_clean_rate": "catalog:watch",
    "catalog_time_compression": "catalog:figures",
}


def _drill(page: str) -> Callable[[int, dt.datetime, dt.datetime], str]:
    def link(department_id: int, start: dt.datetime, end: dt.datetime) -> str:
        from django.urls import reverse

        return reverse(page)

    return link


def register_figures() -> None:
    """Put the catalog's per-department figures into the one figure registry."""
    from qinqing.core.figures import ComputedFigure, register_computed_figure

    for name, (label, fn) in FIGURES.items():
        register_computed_figure(
            ComputedFigure(name, label, fn, DEFINITIONS[name], "catalog", _drill(DRILL_PAGES[name]))
        )
