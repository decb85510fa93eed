"""One evaluation plan for every published item, so a full run costs per row, not per item.

Items are grouped by scope (惠及对象: their division / industry / size conditions); each
group's scope mask is computed once, for all groups in one Polars call, and the group's
items are evaluated only on the rows inside it. Within a group every distinct top-level
condition (by its expression) is computed once into a small code column — 0 pass,
1 fail, 256 unknown — and each item's outcome is one weighted sum of its conditions'
codes, so a group's items come out of a single `select`:

    P = Σ code_i × (1 + 4096 × i)      (i: the condition's place in the item)
    fails = P mod 256, unknowns = (P mod 4096) div 256, failing place = P div 4096

E: P = 0; A: exactly one fail, no unknown, two or more conditions (scope conditions
cannot fail inside the scope); U: no fail, some unknown; else N (dropped). This is the
three-valued decision of `matching.outcome_exprs` and `matching.decide`, which the
tests check it against. Award columns the frame lacks read as “not awarded”: such a
condition is dropped from the sum as a pass instead of materialising a literal column.
Rows are processed in slices (`rows_per_slice`) so memory stays flat."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

from qinqing.policies.rules import NotAwardedClause

if TYPE_CHECKING:
    from qinqing.policies.matching import Compiled

FAIL, UNKNOWN, PLACE = 1, 256, 4096
MAX_CONDITIONS = 15  # keeps fails and unknowns inside their bits

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
        self.item_table = pl.DataFrame(
            {
                "item_id": [p.compiled.item_id for g in self.groups.values() for p in g.items],
                "rule_version_id": [
                    p.compiled.version_id for g in self.groups.values() for p in g.items
                ],
                "several": [
                    len(p.compiled.tops) > 1 for g in self.groups.values() for p in g.items
                ],
                "constant_amount": [
                    p.constant_amount for g in self.groups.values() for p in g.items
                ],
            },
            schema={
                "item_id": pl.Int64,
                "rule_version_id": pl.Int64,
                "several": pl.Boolean,
                "constant_amount": pl.Float64,
            },
        )

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
        """All text lookups once for the slice, then one lazy query per group, all
        collected together (Polars runs them in parallel, one call for the slice)."""
        looked_up = lookups(frame, self._all_conditions())
        wide = pl.concat([frame, looked_up], how="horizontal") if looked_up.width else frame
        names = {key: f"k{n}" for n, key in enumerate(looked_up.columns)}
        wide = wide.rename(names)
        queries = [self._group_query(group, wide.lazy(), names) for group in self.groups.values()]
        if not queries:
            return pl.DataFrame(schema=RESULT_SCHEMA)
        return pl.concat(pl.collect_all(queries))

    def _all_conditions(self) -> dict[str, Condition]:
        conditions = dict(self.scopes)
        for group in self.groups.values():
            conditions.update(group.conditions)
        return conditions

    def _group_query(self, group: Group, wide: pl.LazyFrame, names: dict[str, str]) -> pl.LazyFrame:
        def value(key: str, condition: Condition) -> pl.Expr:
            return pl.col(names[key]) if key in names else condition.expr

        rows = wide
        if group.scope:
            rows = rows.filter(
                pl.all_horizontal([value(k, self.scopes[k]) for k in group.scope]).fill_null(True)
            )
        codes = {key: f"c{n}" for n, key in enumerate(group.conditions)}
        computed = [p for p in group.items if p.computed_amount is not None]
        rows = rows.select(
            "enterprise_id",
            *[
                (pl.lit(FAIL, dtype=pl.UInt64) - value(key, condition).cast(pl.UInt64))
                .fill_null(UNKNOWN)
                .alias(codes[key])
                for key, condition in group.conditions.items()
            ],
            *[p.computed_amount.alias(f"a{p.compiled.item_id}") for p in computed],  # type: ignore[union-attr]
        )
        sums = rows.select(
            "enterprise_id",
            *[
                (
                    pl.sum_horizontal(
                        [pl.col(codes[key]) * (1 + PLACE * place) for place, key in p.places]
                    )
                    if p.places
                    else pl.lit(0, dtype=pl.UInt64)
                ).alias(str(p.compiled.item_id))
                for p in group.items
            ],
        )
        long = (
            sums.unpivot(index="enterprise_id", variable_name="item_id", value_name="p")
            .with_columns(
                pl.col("item_id").cast(pl.Int64),
                (pl.col("p") % UNKNOWN).alias("fails"),
                ((pl.col("p") % PLACE) // UNKNOWN).alias("unknowns"),
            )
            .join(self.item_table.lazy(), on="item_id", how="left")
            .with_columns(
                pl.when(pl.col("p") == 0)
                .then(1)
                .when((pl.col("fails") == 1) & (pl.col("unknowns") == 0) & pl.col("several"))
                .then(2)
                .when(pl.col("fails") == 0)
                .then(3)
                .otherwise(0)
                .cast(pl.UInt8)
                .alias("outcome")
            )
            .filter(pl.col("outcome") > 0)
        )
        if computed:
            amounts = (
                rows.select("enterprise_id", *[f"a{p.compiled.item_id}" for p in computed])
                .unpivot(index="enterprise_id", variable_name="item_id", value_name="computed")
                .with_columns(pl.col("item_id").str.slice(1).cast(pl.Int64))
            )
            long = long.join(amounts, on=["item_id", "enterprise_id"], how="left")
        else:
            long = long.with_columns(pl.lit(None, dtype=pl.Float64).alias("computed"))
        return long.select(
            "item_id",
            "rule_version_id",
            pl.col("enterprise_id").cast(pl.Int64),
            "outcome",
            pl.coalesce("computed", "constant_amount").alias("amount"),
            pl.when(pl.col("outcome") == 2)
            .then(pl.col("p") // PLACE)
            .otherwise(0)
            .cast(pl.Int16)
            .alias("missing"),
        )


def lookups(frame: pl.DataFrame, conditions: dict[str, Condition]) -> pl.DataFrame:
    """The conditions on one text column (division, industry, size class, credit
    rating: a few hundred distinct values), each as a nullable boolean column named by
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
        distinct = pl.DataFrame({column: values.unique().drop_nulls().sort()})
        table = pl.concat([distinct, pl.DataFrame({column: [None]}, schema=distinct.schema)])
        index = (values.rank("dense").cast(pl.Int64) - 1).fill_null(distinct.height)
        answers = table.select([expr.alias(key) for key, expr in exprs.items()])
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
