"""The platform figures an indicator's formula can read: the rates of the one figure
registry (qinqing.core.figures), per department, so a ranking line and the cockpit
show the same number for one rate.
"""

import datetime as dt
from collections.abc import Iterable

from qinqing.core import figures as registry


def figure_choices() -> list[tuple[str, str]]:
    rates = [(f.name, f.label) for f in registry.all_figures() if not f.is_count]
    return rates + [(f.name, str(f.label)) for f in registry.computed_figures()]


def compute(
    name: str, department_ids: Iterable[int], start: dt.datetime, end: dt.datetime
) -> dict[int, float | None]:
    """{department id: value in [0, 1] or None} for the period [start, end)."""
    ids = set(department_ids)
    computed = registry.computed_figure(name)
    if computed is not None:
        return computed.compute(sorted(ids), start, end)
    values = registry.compute(name, start=start, end=end, group_by="department")
    return {pk: value for pk, value in values.items() if pk in ids}


def label(name: str) -> str:
    computed = registry.computed_figure(name)
    if computed is not None:
        return str(computed.label)
    try:
        return registry.figure(name).label
    except KeyError:
        return name
