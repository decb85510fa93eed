"""Evaluate rules both ways (Python per enterprise, Polars over a frame) without a database."""

from __future__ import annotations

import polars as pl

from qinqing.policies.matching import Compiled, decide, evaluate_frame
from qinqing.policies.rules import Benefit, EnterpriseFacts, Need, parse

CODE_TO_OUTCOME = {0: "N", 1: "E", 2: "A", 3: "U"}


def frame_from_facts(facts: list[EnterpriseFacts], needs: set[Need]) -> pl.DataFrame:
    rows = []
    for f in facts:
        row: dict[str, object] = {"enterprise_id": f.enterprise_id}
        for need in needs:
            if need.kind == "profile":
                row[need.column] = getattr(f, need.name)
            elif need.kind == "year":
                row[need.column] = f.year_value(need.name, need.year)
            elif need.kind == "qual":
                from qinqing.policies.rules import QualificationClause

                clause = QualificationClause(
                    {"kind": need.name, "on": need.on.isoformat(), "min_years": need.min_years}, "t"
                )
                row[need.column] = clause.held(f.qualifications)
            elif need.kind == "award":
                row[need.column] = (int(need.name), need.period) in f.awards
        rows.append(row)
    schema: dict[str, pl.DataType] = {"enterprise_id": pl.Int64()}
    for need in needs:
        if need.kind == "year" or need.name == "registered_capital":
            schema[need.column] = pl.Float64()
        elif need.kind in ("qual", "award") or need.name in ("serious_dishonesty", "is_listed"):
            schema[need.column] = pl.Boolean()
        elif need.name == "registered_on":
            schema[need.column] = pl.Date()
        else:
            schema[need.column] = pl.String()
    return pl.DataFrame(rows, schema=schema, orient="row")


def compiled(tree: dict, benefit: Benefit | None = None, item_id: int = 1) -> Compiled:
    return Compiled(
        item_id, 1, parse(tree, own_item=item_id), benefit or Benefit(kind="fixed", amount=10)
    )


def both(
    tree: dict, facts: EnterpriseFacts, benefit: Benefit | None = None, item_id: int = 1
) -> str:
    """The outcome letter; fails the test if Python and Polars disagree."""
    c = compiled(tree, benefit, item_id)
    answer = decide(c, facts)
    frame = frame_from_facts([facts], c.needs())
    result = evaluate_frame(frame, [c], keep_ineligible=True).row(0, named=True)
    vector = CODE_TO_OUTCOME[result["outcome"]]
    assert vector == answer.outcome, (
        answer.outcome,
        vector,
        [r.text for _s, r in answer.conditions],
    )
    if answer.outcome in ("E", "A"):
        assert result["amount"] == answer.amount
    return answer.outcome
