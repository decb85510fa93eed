"""One evaluation plan for every published item, so a full run costs per row, not per item.

Every distinct top-level condition of every item (by its expression) is computed once
per slice of rows into a small code column — 0 pass, 1 fail, 256 unknown (conditions on
one text column through `lookups`). Items are grouped by scope (惠及对象: their division /
industry / size conditions); a group's rows are those where no scope condition fails,
and each of its items' outcome is one weighted sum of its conditions' codes, so a
group's items come out of a single `select`, all groups in one Polars call:

    P = Σ code_i × (1 + 4096 × i)      (i: the condition's place in the item)
    fails = P mod 256, unknowns = (P mod 4096) div 256, failing place = P div 4096

E: P = 0; A: exactly one fail, no unknown, two or more conditions (scope conditions
cannot fail inside the scope); U: no fail, some unknown; else N (dropped). The P matrix
of a group is decoded into long rows in numpy (`_decode`). This is the three-valued
decision of `matching.outcome_exprs` and `matching.decide`, which the tests check it
against. Award columns the frame lacks read as “not awarded”: such a condition is
dropped from the sum as a pass instead of materialising a literal column. Rows are
processed in slices (`rows_per_slice`) so memory stays flat."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from qinqing.policies.rules import NotAwardedClause

if TYPE_CHECKING:
    from qinqing.policies.matching import Compiled

FAIL, UNKNOWN, PLACE = 1, 256, 4096
MAX_CONDITIONS = 15  # keeps fails and unknowns inside their bits
DECODERS = max(1, min(4, os.cpu_count() or 1))

RESULT_SCHEMA = {
    "item_id": pl.Int64,
    "rule_version_id": pl.Int64,
    "enterprise_id": pl.Int64,
    "outcome": pl.UInt8,
    "amount": pl.Float64,
    "missing": pl.Int16,
}


@dataclass
class PlannedItem:
    compiled: Compiled
    places: list[tuple[int, str]]  # (place in the item, condition key) evaluated
    constant_amount: float | None
    computed_amount: pl.Expr | None


@dataclass
class Condition:
    expr: pl.Expr
    columns: frozenset[str]


@dataclass
class Group:
    scope: list[str]  # keys of the conditions saying who the items are for
    items: list[PlannedItem] = field(default_factory=list)
    conditions: dict[str, Condition] = field(default_factory=dict)  # key -> condition
    columns: set[str] = field(default_factory=set)


def _key(expr: pl.Expr) -> str:
    return str(expr)


def _constant_amount(compiled: Compiled) -> tuple[bool, float | None]:
    benefit = compiled.benefit
    if benefit.kind == "fixed":
        return True, benefit._limit(benefit.amount)
    if benefit.kind == "right" or not benefit.base_field:
        return True, None
    return False, None


class Plan:
    """Every item compiled once against the columns a fact frame has."""

    def __init__(self, items: Sequence[Compiled], columns: Sequence[str]) -> None:
        present = set(columns)
        self.groups: dict[str, Group] = {}
        self.scopes: dict[str, Condition] = {}  # every scope condition of every group
        self.fallback: list[Compiled] = []  # shapes the plan does not take (see below)
        for compiled in items:
            tops = compiled.tops
            if len(tops) > MAX_CONDITIONS:
                self.fallback.append(compiled)
                continue
            scope = [t for t, is_scope in zip(tops, compiled.scope, strict=True) if is_scope]
            scope_keys = []
            for top in scope:
                expr = top.expr()
                scope_keys.append(_key(expr))
                columns_of = frozenset(n.column for n in top.needs())
                self.scopes.setdefault(scope_keys[-1], Condition(expr, columns_of))
            group = self.groups.setdefault(" & ".join(sorted(scope_keys)), Group(scope_keys))
            places = []
            missing_column = False
            for place, top in enumerate(tops):
                absent = [n.column for n in top.needs() if n.column not in present]
                if absent:
                    if isinstance(top, NotAwardedClause):
                        continue  # no award recorded: the condition passes
                    missing_column = True
                    break
                expr = top.expr()
                condition = _key(expr)
                needed = frozenset(n.column for n in top.needs())
                group.conditions.setdefault(condition, Condition(expr, needed))
                group.columns |= needed
                places.append((place, condition))
            if missing_column:
                self.fallback.append(compiled)
                continue
            constant, amount = _constant_amount(compiled)
            computed = None
            if not constant:
                computed = compiled.benefit.expr()
                group.columns |= {n.column for n in compiled.benefit.needs()}
            group.items.append(PlannedItem(compiled, places, amount, computed))
        self.groups = {k: g for k, g in self.groups.items() if g.items}

    def evaluate(
        self,
        frame: pl.DataFrame,
        rows_per_slice: int = 200_000,
        progress: Callable[[float], None] | None = None,
    ) -> pl.DataFrame:
        """The long E/A/U result over `frame`, slice by slice; `progress(share done)`."""
        parts = []
        for start in range(0, max(frame.height, 1), rows_per_slice):
            parts.append(self._evaluate_slice(frame.slice(start, rows_per_slice)))
            if progress is not None:
                progress(min(1.0, (start + rows_per_slice) / max(frame.height, 1)))
        return pl.concat(parts) if parts else pl.DataFrame(schema=RESULT_SCHEMA)

    def _evaluate_slice(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Every distinct condition once over the slice, as a code column (text lookups
        first, see `lookups`); then one lazy query per group summing its items' codes
        over the rows in its scope, all collected together (Polars runs them in
        parallel); the sums are decoded into long E/A/U rows in numpy."""
        groups = list(self.groups.values())
        if not groups:
            return pl.DataFrame(schema=RESULT_SCHEMA)
        conditions = self._all_conditions()
        looked_up = lookups(frame, conditions)
        names = {key: f"c{n}" for n, key in enumerate(conditions)}
        codes = pl.concat([frame, looked_up], how="horizontal") if looked_up.width else frame
        codes = codes.select(
            "enterprise_id",
            *[
                (pl.col(key) if key in looked_up.columns else code(condition.expr)).alias(
                    names[key]
                )
                for key, condition in conditions.items()
            ],
            *[
                p.computed_amount.cast(pl.Float64).alias(f"a_{p.compiled.item_id}")
                for group in groups
                for p in group.items
                if p.computed_amount is not None
            ],
        )
        sums = pl.collect_all([self._group_query(group, codes.lazy(), names) for group in groups])
        with ThreadPoolExecutor(max_workers=DECODERS) as pool:  # numpy releases the GIL
            parts = list(pool.map(_decode, groups, sums))
        return pl.concat(parts)

    def _all_conditions(self) -> dict[str, Condition]:
        conditions = dict(self.scopes)
        for group in self.groups.values():
            conditions.update(group.conditions)
        return conditions

    def _group_query(
        self, group: Group, codes: pl.LazyFrame, names: dict[str, str]
    ) -> pl.LazyFrame:
        """enterprise_id, then P of each item (`p0`, `p1`, … in group order) over the rows
        in the group's scope (no scope condition fails), and the computed amount of each
        item whose amount is not constant (`a0`, …)."""
        rows = codes
        if group.scope:
            rows = rows.filter(pl.all_horizontal([pl.col(names[k]) != FAIL for k in group.scope]))
        return rows.select(
            "enterprise_id",
            *[
                (
                    pl.sum_horizontal(
                        [
                            pl.col(names[key]).cast(pl.UInt32) * (1 + PLACE * place)
                            for place, key in p.places
                        ]
                    )
                    if p.places
                    else pl.lit(0, dtype=pl.UInt32)
                ).alias(f"p{n}")
                for n, p in enumerate(group.items)
            ],
            *[
                pl.col(f"a_{p.compiled.item_id}").alias(f"a{n}")
                for n, p in enumerate(group.items)
                if p.computed_amount is not None
            ],
        )


def _decode(group: Group, sums: pl.DataFrame) -> pl.DataFrame:
    """The long E/A/U rows of one group from its P matrix (rows × items), in numpy: one
    pass per test over the whole matrix and one `nonzero`, so the cost is per pair
    kept, with no per-item work and no string item names."""
    if sums.height == 0:
        return pl.DataFrame(schema=RESULT_SCHEMA)
    count, height = len(group.items), sums.height
    # items × rows, C order (Polars hands the columns over in Fortran order)
    matrix = sums.select([f"p{n}" for n in range(count)]).to_numpy().T.reshape(-1)
    # kept: no fail (E or U), or exactly one fail and no unknown (A, for 2+ conditions)
    keep = (matrix & (UNKNOWN - 1)) == 0
    almost = (matrix & (PLACE - 1)) == FAIL
    several = [len(p.compiled.tops) > 1 for p in group.items]
    if not all(several):
        almost &= np.repeat(several, height)
    keep |= almost
    flat = np.flatnonzero(keep)
    item_index, row_index = np.divmod(flat, height)
    p = matrix[flat]
    outcome = np.where(p == 0, 1, np.where(p & (UNKNOWN - 1), 2, 3)).astype(np.uint8)
    missing = np.where(outcome == 2, p // PLACE, 0).astype(np.int16)
    item_ids = np.array([p.compiled.item_id for p in group.items], dtype=np.int64)
    versions = np.array([p.compiled.version_id for p in group.items], dtype=np.int64)
    amounts = np.array(
        [np.nan if p.constant_amount is None else p.constant_amount for p in group.items]
    )[item_index]
    computed = [n for n, p in enumerate(group.items) if p.computed_amount is not None]
    if computed:
        values = sums.select([f"a{n}" for n in computed]).to_numpy().T
        place = np.full(count, -1)
        place[computed] = np.arange(len(computed))
        picked = place[item_index] >= 0
        amounts[picked] = values[place[item_index][picked], row_index[picked]]
    ids = sums["enterprise_id"].to_numpy()
    return pl.DataFrame(
        {
            "item_id": item_ids[item_index],
            "rule_version_id": versions[item_index],
            "enterprise_id": ids[row_index].astype(np.int64),
            "outcome": outcome,
            "amount": pl.Series(amounts, nan_to_null=True),
            "missing": missing,
        },
        schema=RESULT_SCHEMA,
    )


def code(condition: pl.Expr) -> pl.Expr:
    """A condition's code: 0 pass, FAIL, UNKNOWN (UInt16)."""
    return (pl.lit(FAIL, dtype=pl.UInt16) - condition.cast(pl.UInt16)).fill_null(UNKNOWN)


def lookups(frame: pl.DataFrame, conditions: dict[str, Condition]) -> pl.DataFrame:
    """The conditions on one text column (division, industry, size class, credit
    rating: a few hundred distinct values), each as a code column (`code`) named by
    its key: evaluated once per distinct value (one select per column for all its
    conditions) and gathered back by row, so a thousand prefix tests cost a thousand
    small gathers, not a thousand string scans. Other conditions are left out."""
    text = {name for name, dtype in frame.schema.items() if dtype == pl.String}
    by_column: dict[str, dict[str, pl.Expr]] = {}
    for key, condition in conditions.items():
        if len(condition.columns) == 1 and condition.columns <= text:
            (column,) = condition.columns
            by_column.setdefault(column, {})[key] = condition.expr
    series: list[pl.Series] = []
    for column, exprs in by_column.items():
        values = frame[column]
        distinct = pl.DataFrame({column: values.unique().drop_nulls()})
        table = pl.concat([distinct, pl.DataFrame({column: [None]}, schema=distinct.schema)])
        if distinct.height:  # each row's place in `distinct`: an Enum's codes (one hash pass)
            index = values.cast(pl.Enum(distinct[column])).to_physical().cast(pl.UInt32)
            index = index.fill_null(distinct.height)
        else:
            index = pl.Series(np.zeros(values.len(), dtype=np.uint32))
        answers = table.select([code(expr).alias(key) for key, expr in exprs.items()])
        series.extend(answers.select(pl.all().gather(index)).get_columns())
    return pl.DataFrame(series) if series else pl.DataFrame()


def plan_columns(plan: Plan) -> set[str]:
    return set().union(*(g.columns for g in plan.groups.values())) if plan.groups else set()


def describe(plan: Plan) -> dict[str, Any]:
    """Sizes, for the bench's notes."""
    return {
        "groups": len(plan.groups),
        "items": sum(len(g.items) for g in plan.groups.values()),
        "conditions": sum(len(g.conditions) for g in plan.groups.values()),
        "fallback": len(plan.fallback),
    }
