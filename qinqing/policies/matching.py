"""Matching: every published rule over every enterprise in one vectorised pass.

Each item's rule compiles to Polars expressions over a wide fact frame. The outcome
comes from its top-level conditions (the children of a root “all”): all pass →
eligible; one of two or more fails, the rest pass and it is not a scope condition
(division, industry, size: who the item is for) → almost eligible; none fails but some are
unknown → cannot decide; otherwise not eligible. Only E/A/U rows are stored.
One enterprise's answer uses the same rules evaluated in Python (`evaluate`), which the
tests check against the vectorised path."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Count, Max

from qinqing.policies import storing
from qinqing.policies.facts import fact_frame, facts_for
from qinqing.policies.fullstore import store_full
from qinqing.policies.models import Outcome, PolicyItem, PublishStatus, RuleVersion
from qinqing.policies.plan import Plan
from qinqing.policies.rules import (
    Benefit,
    ClauseResult,
    EnterpriseFacts,
    Need,
    Node,
    parse,
    top_level,
)

SCOPE_TYPES = {"division_prefix", "industry_prefix", "size_class_in"}
CHUNK = 40  # items evaluated together (bounded memory, parallel inside Polars)


@dataclass
class Compiled:
    item_id: int
    version_id: int
    node: Node
    benefit: Benefit

    @property
    def tops(self) -> list[Node]:
        return top_level(self.node)

    @cached_property
    def scope(self) -> list[bool]:
        """Which top-level conditions say who the item is for (惠及对象: division,
        industry, size). Failing one of those is never “almost eligible”."""
        return [all(leaf.type in SCOPE_TYPES for leaf in top.leaves()) for top in self.tops]

    def needs(self) -> set[Need]:
        return self.node.needs() | self.benefit.needs()


# Published versions never change, so their parsed trees are cached per process (the
# publication time is in the key: ids can be reused after a rollback).
_PARSED: dict[tuple[int, int, Any], Node] = {}


def compile_version(version: RuleVersion, item: PolicyItem) -> Compiled:
    key = (version.pk, item.pk, version.published_at)
    cacheable = version.status != "draft" and version.published_at is not None
    node = _PARSED.get(key) if cacheable else None
    if node is None:
        node = parse(version.tree, own_item=item.pk)
        if cacheable:
            _PARSED[key] = node
    return Compiled(item.pk, version.pk, node, item.benefit())


_ACTIVE: dict[str, Any] = {}


def active_items(item_ids: Iterable[int] | None = None) -> list[Compiled]:
    """Compiled rules of every published item (or of `item_ids`). The full list is cached
    per process; one aggregate query tells whether any item changed since."""
    if item_ids is not None:
        return _load_active(item_ids)
    stamp = PolicyItem.objects.filter(status=PublishStatus.PUBLISHED).aggregate(
        n=Count("id"), t=Max("updated_at"), r=Max("current_rule_id")
    )
    key = f"{stamp['n']}:{stamp['t']}:{stamp['r']}"
    if _ACTIVE.get("key") != key:
        _ACTIVE.update(key=key, items=_load_active(None))
    return list(_ACTIVE["items"])


def _load_active(item_ids: Iterable[int] | None) -> list[Compiled]:
    qs = PolicyItem.objects.filter(
        status=PublishStatus.PUBLISHED, current_rule__isnull=False
    ).select_related("current_rule")
    if item_ids is not None:
        qs = qs.filter(pk__in=list(item_ids))
    compiled = [compile_version(item.current_rule, item) for item in qs.order_by("pk")]
    for c in compiled:
        c.scope  # noqa: B018  (computed once here, not on the first answer)
    return compiled  # type: ignore[arg-type]


def outcome_exprs(compiled: Compiled, tops: list[pl.Expr] | None = None) -> tuple[pl.Expr, pl.Expr]:
    """(outcome code 0 N / 1 E / 2 A / 3 U, index of the single failing condition).
    `tops` may name already computed condition columns (each evaluated once)."""
    tops = tops if tops is not None else [t.expr() for t in compiled.tops]
    n = len(tops)
    failed = [t.eq(False).fill_null(False).cast(pl.Int16) for t in tops]
    fails = pl.sum_horizontal(failed)
    passes = pl.sum_horizontal([t.eq(True).fill_null(False).cast(pl.Int16) for t in tops])
    scope = [f for f, is_scope in zip(failed, compiled.scope, strict=True) if is_scope]
    in_scope = (pl.sum_horizontal(scope) == 0) if scope else pl.lit(True)
    code = (
        pl.when((fails == 0) & (passes == n))
        .then(1)
        .when((fails == 1) & (passes == n - 1) & (n > 1) & in_scope)
        .then(2)
        .when(fails == 0)
        .then(3)
        .otherwise(0)
        .cast(pl.UInt8)
    )
    missing = pl.sum_horizontal([f * i for i, f in enumerate(failed)]).cast(pl.Int16)
    return code, missing


EMPTY_SCHEMA = {
    "item_id": pl.Int64,
    "rule_version_id": pl.Int64,
    "enterprise_id": pl.Int64,
    "outcome": pl.UInt8,
    "amount": pl.Float64,
    "missing": pl.Int16,
}


def evaluate_frame(
    frame: pl.DataFrame,
    items: Sequence[Compiled],
    *,
    keep_ineligible: bool = False,
    masks: dict[str, pl.Series] | None = None,
) -> pl.DataFrame:
    """Long frame: item_id, rule_version_id, enterprise_id, outcome (code), amount, missing.

    Eager, item by item: the item's scope (who it is for) is a boolean mask shared by
    items with the same scope; the other conditions run only on the rows inside it, each
    condition once, and only E/A/U rows are kept (all rows with keep_ineligible)."""
    masks = {} if masks is None else masks
    present = set(frame.columns)
    parts = []
    for compiled in items:
        columns = sorted({"enterprise_id"} | {n.column for n in compiled.needs()})
        sub = frame.select(
            [
                pl.col(c) if c in present else pl.lit(False).alias(c)  # award columns
                for c in columns
            ]
        )
        scope = [t for t, is_scope in zip(compiled.tops, compiled.scope, strict=True) if is_scope]
        if scope and not keep_ineligible:
            key = repr([t.describe() for t in scope])
            if key not in masks:
                masks[key] = frame.select(
                    pl.all_horizontal([t.expr() for t in scope]).fill_null(True)
                ).to_series()
            sub = sub.filter(masks[key])
        names = [f"_t{i}" for i in range(len(compiled.tops))]
        sub = sub.with_columns(
            [t.expr().alias(name) for t, name in zip(compiled.tops, names, strict=True)]
        )
        code, missing = outcome_exprs(compiled, [pl.col(name) for name in names])
        result = sub.select(
            pl.lit(compiled.item_id, dtype=pl.Int64).alias("item_id"),
            pl.lit(compiled.version_id, dtype=pl.Int64).alias("rule_version_id"),
            pl.col("enterprise_id"),
            code.alias("outcome"),
            compiled.benefit.expr().alias("amount"),
            missing.alias("missing"),
        )
        if not keep_ineligible:
            result = result.filter(pl.col("outcome") > 0)
        parts.append(result)
    if not parts:
        return pl.DataFrame(schema=EMPTY_SCHEMA)
    return pl.concat(parts)


def match(
    items: Sequence[Compiled],
    enterprise_ids: Sequence[int] | None = None,
    progress: Any = None,
) -> pl.DataFrame:
    """Evaluate `items` over the enterprises (all when None); `progress(items done)` as
    the plan's row slices finish."""
    needs: set[Need] = set()
    for compiled in items:
        needs |= compiled.needs()
    return evaluate_all(fact_frame(needs, enterprise_ids), items, progress)


def evaluate_all(
    frame: pl.DataFrame,
    items: Sequence[Compiled],
    progress: Any = None,
    plan: Plan | None = None,
) -> pl.DataFrame:
    """Every item over the fact frame: the long E/A/U result (plan.py: one plan for all
    items, or `plan`, compiled for these items and the frame's columns; an item whose
    shape the plan does not take goes through `evaluate_frame`). `progress(items done)`
    as slices finish."""
    compiled_plan = plan if plan is not None else Plan(items, frame.columns)
    total = len(items)
    report = None if progress is None else (lambda share: progress(int(total * share)))
    parts = [compiled_plan.evaluate(frame, progress=report)]
    if compiled_plan.fallback:
        parts.append(evaluate_frame(frame, compiled_plan.fallback))
    return pl.concat([p.cast(EMPTY_SCHEMA) for p in parts])  # type: ignore[arg-type]


def store(
    results: pl.DataFrame,
    *,
    item_ids: Sequence[int] | None = None,
    enterprise_ids: Sequence[int] | None = None,
) -> storing.StoreStats:
    """Replace the stored results in scope (items, enterprises, or everything) with
    `results`. A full store writes only the enterprises whose results changed since the
    last full run (storing.py)."""
    if item_ids is None and enterprise_ids is None:
        return store_full(results)
    with transaction.atomic():
        storing.forget(item_ids=item_ids, enterprise_ids=enterprise_ids)
        return storing.replace_scope(results, item_ids=item_ids, enterprise_ids=enterprise_ids)


# --- one enterprise ---------------------------------------------------------------


@dataclass
class Answer:
    """One enterprise × item decision with its reasons (clause-level)."""

    item_id: int
    version_id: int
    outcome: str
    amount: float | None
    conditions: list[tuple[bool | None, ClauseResult]]

    @property
    def outcome_label(self) -> str:
        return str(Outcome(self.outcome).label)

    @property
    def failing(self) -> list[ClauseResult]:
        return [r for s, r in self.conditions if s is False]

    @property
    def unknown(self) -> list[ClauseResult]:
        return [r for s, r in self.conditions if s is None]

    def snapshot(self) -> dict[str, Any]:
        """What a decision records: the version, the outcome and every condition's facts."""
        return {
            "rule_version": self.version_id,
            "outcome": self.outcome,
            "amount": self.amount,
            "conditions": [
                {"status": s, "text": r.text, "facts": r.values} for s, r in self.conditions
            ],
        }


def decide(compiled: Compiled, facts: EnterpriseFacts, *, full: bool = True) -> Answer:
    """The decision with every condition's result. With full=False an enterprise outside
    the item's scope gets “not eligible” after the scope conditions alone (fast path for
    answering over all items)."""
    if not full:
        for top, is_scope in zip(compiled.tops, compiled.scope, strict=True):
            if is_scope:
                result = top.evaluate(facts)
                if result.status is False:
                    return Answer(
                        compiled.item_id,
                        compiled.version_id,
                        str(Outcome.INELIGIBLE),
                        None,
                        [(False, result)],
                    )
    results = [top.evaluate(facts) for top in compiled.tops]
    statuses = [r.status for r in results]
    fails, passes = statuses.count(False), statuses.count(True)
    if passes == len(results):
        outcome = Outcome.ELIGIBLE
    elif (
        fails == 1
        and passes == len(results) - 1
        and len(results) > 1
        and not any(s is False for s, scope in zip(statuses, compiled.scope, strict=True) if scope)
    ):
        outcome = Outcome.ALMOST
    elif fails == 0:
        outcome = Outcome.UNKNOWN
    else:
        outcome = Outcome.INELIGIBLE
    amount = (
        compiled.benefit.amount_for(facts)
        if outcome in (Outcome.ELIGIBLE, Outcome.ALMOST)
        else None
    )
    return Answer(
        compiled.item_id,
        compiled.version_id,
        str(outcome),
        amount,
        list(zip(statuses, results, strict=True)),
    )


def answers_for(enterprise_id: int, items: Sequence[Compiled] | None = None) -> list[Answer]:
    """“What do I qualify for”: every active item decided for one enterprise now."""
    facts = facts_for([enterprise_id]).get(enterprise_id)
    if facts is None:
        return []
    return [decide(c, facts, full=False) for c in (items if items is not None else active_items())]
