"""One definition per figure (指标口径): the registry every screen, export and ranking reads.

A *population* is the set of rows some figures count (appeals registered in a period,
ratings given in a period, service events that occurred in a period) with named *parts*:
subsets given as Q filters (`closed`, `rated_basic`, ...). A *figure* is either a count
of one part (待处理 = the `open` part) or a rate: Σ weight × part ÷ Σ denominator parts
(满意率 = Σ weight(level) × rated_<level> ÷ Σ rated_<level>). Because every surface counts
the same parts with the same filters and applies the same `Figure.value`, the cockpit's
rollups, the appeals metrics, the assessment and the drill-down lists cannot disagree.

The app that owns the data registers its populations and figures from AppConfig.ready
(`appeals/figures.py`, `ratings/figures.py`); this module knows no domain. The page
docs/figures.md is generated from here (`manage.py document_figures`).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Count, Model, Q, QuerySet
from django.utils import timezone

PartFilter = Callable[[dt.datetime], Q]  # now -> the rows that belong to the part


@dataclass(frozen=True)
class Population:
    name: str  # "appeals"
    model: str  # "appeals.Appeal"
    period_field: str  # the moment a row belongs to a period by
    base: Callable[[], Q]  # the rows that count at all
    parts: Mapping[str, PartFilter]
    groups: Mapping[str, str] = field(default_factory=dict)  # "department" -> field name
    description: str = ""  # one sentence: which rows, by which moment
    part_labels: Mapping[str, str] = field(default_factory=dict)

    def model_class(self) -> type[Model]:
        return apps.get_model(self.model)

    def queryset(self) -> QuerySet[Any]:
        return self.model_class()._default_manager.filter(self.base())

    def in_period(
        self, start: dt.datetime | None, end: dt.datetime | None, qs: QuerySet[Any] | None = None
    ) -> QuerySet[Any]:
        rows = (qs if qs is not None else self.queryset()).filter(self.base())
        if start is not None:
            rows = rows.filter(**{f"{self.period_field}__gte": start})
        if end is not None:
            rows = rows.filter(**{f"{self.period_field}__lt": end})
        return rows


@dataclass(frozen=True)
class Figure:
    name: str  # "appeal_satisfied_rate"
    label: str  # Chinese, as shown: "满意率"
    population: str
    numerator: Mapping[str, float] | Callable[[], Mapping[str, float]]  # part -> weight
    denominator: tuple[str, ...] = ()  # summed parts; empty for a count
    definition: str = ""  # the sentence that defines it
    order: int = 100
    cockpit: bool = False  # shown among the cockpit's headline numbers

    @property
    def is_count(self) -> bool:
        return not self.denominator

    def weights(self) -> dict[str, float]:
        weights = self.numerator() if callable(self.numerator) else self.numerator
        return {part: float(w) for part, w in weights.items()}

    def parts(self) -> list[str]:
        return list(dict.fromkeys([*self.weights(), *self.denominator]))

    def value(
        self, counts: Mapping[str, float], *, weights: Mapping[str, float] | None = None
    ) -> float | None:
        """The figure from part counts: a count as int, a rate in [0, 1] (4 decimals),
        None when the denominator is 0. `weights` overrides some numerator weights."""
        numerator = {**self.weights(), **(weights or {})}
        top = sum(w * float(counts.get(part) or 0) for part, w in numerator.items())
        if self.is_count:
            return int(top)
        bottom = sum(float(counts.get(part) or 0) for part in self.denominator)
        return round(top / bottom, 4) if bottom else None

    def list_parts(self) -> tuple[str, ...]:
        """The parts whose rows a drill-down lists: a count's part, a rate's denominator
        (its parts are disjoint, so the list has as many rows as the denominator says)."""
        return self.denominator or tuple(self.weights())[:1]


_POPULATIONS: dict[str, Population] = {}
_FIGURES: dict[str, Figure] = {}


def register_population(population: Population) -> Population:
    _POPULATIONS[population.name] = population
    return population


def register_figure(figure: Figure) -> Figure:
    population = _POPULATIONS.get(figure.population)
    if population is None:
        raise LookupError(f"figure {figure.name}: unknown population {figure.population!r}")
    unknown = set(figure.parts()) - set(population.parts)
    if unknown:
        raise LookupError(f"figure {figure.name}: unknown parts {sorted(unknown)}")
    _FIGURES[figure.name] = figure
    return figure


def population(name: str) -> Population:
    return _POPULATIONS[name]


def populations() -> list[Population]:
    return sorted(_POPULATIONS.values(), key=lambda p: p.name)


def figure(name: str) -> Figure:
    if name not in _FIGURES:
        raise KeyError(f"unknown figure {name!r}")
    return _FIGURES[name]


def all_figures(population: str | None = None) -> list[Figure]:
    found = [f for f in _FIGURES.values() if population in (None, f.population)]
    return sorted(found, key=lambda f: (f.order, f.name))


def cockpit_figures() -> list[Figure]:
    return [f for f in all_figures() if f.cockpit]


# --- counting ------------------------------------------------------------------------


def _count(name: str, part: PartFilter, now: dt.datetime) -> Count:
    condition = part(now)
    return Count("pk", filter=condition) if condition else Count("pk")


def part_counts(
    population_name: str,
    qs: QuerySet[Any],
    *,
    now: dt.datetime | None = None,
    values: Sequence[str] = (),
    parts: Iterable[str] | None = None,
) -> list[dict[str, Any]]:
    """Count every part (or `parts`) over `qs` in one aggregate pass, grouped by the
    fields or annotations `values`; each row holds those values and one count per part."""
    pop = _POPULATIONS[population_name]
    now = now or timezone.now()
    names = list(parts) if parts is not None else list(pop.parts)
    aggregates = {f"part__{n}": _count(n, pop.parts[n], now) for n in names}
    if not values:
        rows = [qs.order_by().aggregate(**aggregates)]
    else:
        rows = list(qs.order_by().values(*values).annotate(**aggregates))
    return [
        {
            **{k: v for k, v in row.items() if not k.startswith("part__")},
            "parts": {
                k.removeprefix("part__"): v or 0 for k, v in row.items() if k.startswith("part__")
            },
        }
        for row in rows
    ]


def add_parts(target: dict[str, int], parts: Mapping[str, int]) -> dict[str, int]:
    for key, value in parts.items():
        target[key] = target.get(key, 0) + int(value or 0)
    return target


def grouped_parts(
    population_name: str,
    *,
    start: dt.datetime | None,
    end: dt.datetime | None,
    group_by: str | None = None,
    qs: QuerySet[Any] | None = None,
    now: dt.datetime | None = None,
) -> dict[Any, dict[str, int]]:
    """{group key (None without grouping): {part: count}} for the period [start, end)."""
    pop = _POPULATIONS[population_name]
    rows = pop.in_period(start, end, qs)
    if group_by is None:
        return {None: part_counts(population_name, rows, now=now)[0]["parts"]}
    column = pop.groups[group_by]
    result: dict[Any, dict[str, int]] = defaultdict(dict)
    for row in part_counts(population_name, rows, now=now, values=[column]):
        add_parts(result[row[column]], row["parts"])
    return dict(result)


def compute(
    name: str,
    *,
    start: dt.datetime | None,
    end: dt.datetime | None,
    group_by: str | None = None,
    qs: QuerySet[Any] | None = None,
    now: dt.datetime | None = None,
) -> dict[Any, float | None]:
    """The figure per group key for the period [start, end) (rows registered, rated or
    served in it, by the population's period field)."""
    fig = figure(name)
    counted = grouped_parts(fig.population, start=start, end=end, group_by=group_by, qs=qs, now=now)
    return {key: fig.value(parts) for key, parts in counted.items()}


def drill_down(
    name: str,
    *,
    start: dt.datetime | None,
    end: dt.datetime | None,
    part: str | None = None,
    qs: QuerySet[Any] | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[Any]:
    """The rows behind a number: the same population, period and part filters that the
    count used, so the list has exactly as many rows as the number (a count) or its
    denominator (a rate) says. `part` narrows to one part (a numerator, say)."""
    fig = figure(name)
    pop = _POPULATIONS[fig.population]
    if part is not None and part not in fig.parts():
        raise KeyError(f"figure {name} has no part {part!r}")
    moment = now or timezone.now()
    condition = Q()
    for listed in (part,) if part else fig.list_parts():
        condition |= pop.parts[listed](moment)
    return pop.in_period(start, end, qs).filter(condition)


# --- computed figures ------------------------------------------------------------------
# Figures that are not a ratio of one population's parts (a mean score, a compression
# ratio) are registered as a function per department by the app that owns the data.

DepartmentFigureFn = Callable[[Iterable[int], dt.datetime, dt.datetime], dict[int, float | None]]
# (department id, start, end) -> the URL of the page listing the records behind the value
DrillFn = Callable[[int, dt.datetime, dt.datetime], str]


@dataclass(frozen=True)
class ComputedFigure:
    name: str
    label: str
    compute: DepartmentFigureFn  # (department ids, start, end) -> {id: value in [0, 1]}
    definition: str = ""
    source: str = ""  # the app that owns the data
    drill: DrillFn | None = None  # where the records behind one department's value are listed


_COMPUTED: dict[str, ComputedFigure] = {}


def register_computed_figure(computed: ComputedFigure) -> ComputedFigure:
    if computed.name in _FIGURES:
        raise LookupError(f"figure {computed.name} is already a population figure")
    _COMPUTED[computed.name] = computed
    return computed


def computed_figure(name: str) -> ComputedFigure | None:
    """The computed figure of that name, or None when `name` is a population figure."""
    return _COMPUTED.get(name)


def computed_figures() -> list[ComputedFigure]:
    return sorted(_COMPUTED.values(), key=lambda f: f.name)


# --- the written definitions -----------------------------------------------------------


def _formula(fig: Figure, pop: Population) -> str:
    def named(part: str) -> str:
        return pop.part_labels.get(part, part)

    top = " + ".join(
        named(p) if w == 1 else f"{w:g} × {named(p)}" for p, w in fig.weights().items() if w
    )
    if fig.is_count:
        return top
    return f"({top}) ÷ ({' + '.join(named(p) for p in fig.denominator)})"


def document() -> str:
    """docs/figures.md: every population and figure, from the registry."""
    lines = [
        "# Figures (指标口径)",
        "",
        "Generated from the figure registry (`qinqing/core/figures.py`) by",
        "`manage.py document_figures`; do not edit by hand (a test checks it is current).",
        "Every screen, export and ranking computes these figures from the same parts and",
        "filters. A rate whose denominator is 0 is shown as “—”, never 0 % or 100 %.",
        "",
    ]
    for pop in populations():
        lines += [f"## {pop.name}", "", pop.description, "", "| part | rows |", "| --- | --- |"]
        for part in pop.parts:
            lines.append(f"| `{part}` | {pop.part_labels.get(part, part)} |")
        lines += ["", "| figure | name | formula | definition |", "| --- | --- | --- | --- |"]
        for fig in all_figures(pop.name):
            lines.append(
                f"| {fig.label} | `{fig.name}` | {_formula(fig, pop)} | {fig.definition} |"
            )
        lines.append("")
    if _COMPUTED:
        lines += [
            "## computed per department",
            "",
            "Figures that are not a ratio of one population's parts, computed per department",
            "by the app that owns the data.",
            "",
            "| figure | name | app | definition |",
            "| --- | --- | --- | --- |",
        ]
        for comp in computed_figures():
            lines.append(f"| {comp.label} | `{comp.name}` | {comp.source} | {comp.definition} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
