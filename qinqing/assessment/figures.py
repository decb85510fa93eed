"""The platform figures an indicator's formula can read: the rates of the one figure
registry (qinqing.core.figures), per unit, so a ranking line and the cockpit show the
same number for one rate. Departments are counted by the department a row belongs to;
towns and streets (divisions) by the division, where the population knows one.
"""

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from qinqing.core import figures as registry

if TYPE_CHECKING:
    from qinqing.assessment.models import Indicator

# Where each population's rows are listed; the list applies the figure's own filter
# (?figure=<name>), so it has exactly the rows behind the value.
LIST_PAGES = {
    "appeals": "appeals:ledger",
    "ratings": "ratings:list",
    "service_events": "ratings:services",
}


def figure_choices() -> list[tuple[str, str]]:
    rates = [(f.name, f.label) for f in registry.all_figures() if not f.is_count]
    return rates + [(f.name, str(f.label)) for f in registry.computed_figures()]


def _population_figure(name: str) -> registry.Figure | None:
    try:
        return registry.figure(name)
    except KeyError:
        return None


def is_registered(name: str) -> bool:
    return registry.computed_figure(name) is not None or _population_figure(name) is not None


def compute(
    name: str, department_ids: Iterable[int], start: dt.datetime, end: dt.datetime
) -> dict[int, float | None]:
    """{department id: value in [0, 1] or None} for the period [start, end)."""
    return compute_units(name, department_ids, set(), start, end) or {}


def compute_units(
    name: str, unit_ids: Iterable[int], town_ids: set[int], start: dt.datetime, end: dt.datetime
) -> dict[int, float | None] | None:
    """{unit id: value in [0, 1] or None} for [start, end); None when no app registered
    the figure (数据源未接入). Towns are grouped by division where the population has
    one; a computed figure gets every unit id and answers for those it knows."""
    ids = set(unit_ids)
    computed = registry.computed_figure(name)
    if computed is not None:
        return computed.compute(sorted(ids), start, end)
    fig = _population_figure(name)
    if fig is None:
        return None
    values = {
        pk: value
        for pk, value in registry.compute(name, start=start, end=end, group_by="department").items()
        if pk in ids - town_ids
    }
    if town_ids and "division" in registry.population(fig.population).groups:
        by_division = registry.compute(name, start=start, end=end, group_by="division")
        values.update({pk: v for pk, v in by_division.items() if pk in town_ids})
    return values


def label(name: str) -> str:
    computed = registry.computed_figure(name)
    if computed is not None:
        return str(computed.label)
    fig = _population_figure(name)
    return fig.label if fig is not None else name


def definition(name: str) -> str:
    computed = registry.computed_figure(name)
    if computed is not None:
        return str(computed.definition)
    fig = _population_figure(name)
    return fig.definition if fig is not None else ""


def formula(indicator: "Indicator") -> str:
    """The line's formula in words: what the figure counts, then how it becomes points."""
    from qinqing.assessment.models import IndicatorKind

    if not is_registered(indicator.figure):
        name = indicator.name
        source = f"{name}：数据源未接入，平台暂无该项数据。"
    else:
        name = label(indicator.figure)
        source = f"{name}：{definition(indicator.figure)}"
    if indicator.kind == IndicatorKind.BASE:
        rule = f"得分 = {indicator.weight} × {name}"
    else:
        target = (indicator.target or 0) * 100
        rule = (
            f"得分 = ({name} − 目标 {target:.2f}%) × "
            f"{indicator.points_per_percent} 分/百分点，"
            f"限 [{indicator.min_points}, {indicator.max_points}]"
        )
    return f"{source} {rule}"


def drill(name: str, unit: Any, start: dt.datetime, end: dt.datetime) -> str:
    """The URL of the records behind one unit's value, or "" when none is listed."""
    computed = registry.computed_figure(name)
    if computed is not None:
        return computed.drill(unit.pk, start, end) if computed.drill is not None else ""
    fig = _population_figure(name)
    if fig is None or fig.population not in LIST_PAGES:
        return ""
    from qinqing.accounts.models import OrgKind

    last = (end - dt.timedelta(seconds=1)).date()
    params = {"figure": name, "start": start.date().isoformat(), "end": last.isoformat()}
    if unit.kind == OrgKind.DIVISION:
        if fig.population != "appeals":
            return ""
        params["division"] = str(unit.pk)
    else:
        params["department"] = str(unit.pk)
    try:
        return f"{reverse(LIST_PAGES[fig.population])}?{urlencode(params)}"
    except NoReverseMatch:
        return ""
