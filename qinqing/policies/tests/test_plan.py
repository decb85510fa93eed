"""The compiled plan (plan.py) decides exactly as the item-by-item Polars path and the
Python path: the same E/A/U rows, missing condition and amount, on random facts with
gaps and on rules of every clause type, scoped and unscoped."""

import random
import sys
from pathlib import Path

import polars as pl

from qinqing.policies.matching import Compiled, decide, evaluate_all, evaluate_frame
from qinqing.policies.rules import Benefit, EnterpriseFacts, parse
from qinqing.policies.tests.helpers import CODE_TO_OUTCOME

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
from policy_refs import random_rule, synthetic_frame  # noqa: E402


def _items(count: int, seed: int) -> list[Compiled]:
    rng = random.Random(seed)
    items = []
    for i in range(count):
        tree = random_rule(rng, i)
        if i % 7 == 3:  # a rule with no scope, an any-group and a negation
            tree = {"all": [{"any": tree["all"][-4:-2]}, {"not": tree["all"][-3]}]}
        elif i % 11 == 5:  # a single condition: never “almost”
            tree = {"all": tree["all"][-3:-2]}
        benefit = (
            Benefit("percent", rate=2.5, cap=40, base_field="revenue", base_year=2025)
            if i % 3 == 0
            else Benefit("fixed", amount=float(rng.choice([1, 5, 30])))
        )
        items.append(Compiled(i + 1, 100 + i, parse(tree, own_item=i + 1), benefit))
    return items


def _frame(n: int, items: list[Compiled]) -> pl.DataFrame:
    quals = {need.column: need.name for c in items for need in c.needs() if need.kind == "qual"}
    frame = synthetic_frame(n, 3, quals)
    # one item already awarded to every fifth enterprise (an award column present)
    return frame.with_columns((pl.col("enterprise_id") % 5 == 0).alias("aw_4_2025"))


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort("item_id", "enterprise_id")


def test_plan_gives_the_same_rows_as_item_by_item_evaluation() -> None:
    items = _items(60, seed=11)
    frame = _frame(3000, items)
    planned = _sorted(evaluate_all(frame, items))
    reference = _sorted(evaluate_frame(frame, items))
    assert planned.height > 300
    assert set(planned["outcome"].unique()) == {1, 2, 3}
    assert planned.select("item_id", "rule_version_id", "enterprise_id", "outcome").equals(
        reference.select("item_id", "rule_version_id", "enterprise_id", "outcome")
    )
    almost = pl.col("outcome") == 2
    assert planned.filter(almost)["missing"].equals(reference.filter(almost)["missing"])
    assert planned["amount"].equals(reference["amount"])


def test_plan_agrees_with_the_python_decision_per_enterprise() -> None:
    items = _items(25, seed=5)
    frame = _frame(400, items)
    planned = {
        (row["item_id"], row["enterprise_id"]): CODE_TO_OUTCOME[row["outcome"]]
        for row in evaluate_all(frame, items).iter_rows(named=True)
    }
    for row in frame.iter_rows(named=True):
        facts = EnterpriseFacts(
            enterprise_id=row["enterprise_id"],
            division_code=row["division_code"],
            industry_code=row["industry_code"],
            size_class=row["size_class"],
            tax_credit_rating=row["tax_credit_rating"],
            registered_on=row["registered_on"],
            registered_capital=row["registered_capital"],
            serious_dishonesty=row["serious_dishonesty"],
            is_listed=row["is_listed"],
            years={
                year: {
                    key.split("_", 1)[1]: value
                    for key, value in row.items()
                    if key.startswith(f"y{year}_")
                }
                for year in (2023, 2024, 2025)
            },
            qualifications=[
                (
                    key.split("_", 1)[1].rsplit("_", 2)[0],
                    row["registered_on"].replace(year=1990),
                    None,
                )
                for key, value in row.items()
                if key.startswith("q_") and value
            ],
            awards={(4, "2025")} if row["aw_4_2025"] else set(),
        )
        for compiled in items:
            expected = decide(compiled, facts).outcome
            got = planned.get((compiled.item_id, row["enterprise_id"]), "N")
            assert got == expected, (compiled.item_id, row["enterprise_id"], got, expected)


def test_plan_evaluates_in_slices_with_the_same_result() -> None:
    from qinqing.policies.plan import Plan

    items = _items(20, seed=9)
    frame = _frame(2000, items)
    plan = Plan(items, frame.columns)
    whole = _sorted(plan.evaluate(frame, rows_per_slice=10_000))
    sliced = _sorted(plan.evaluate(frame, rows_per_slice=333))
    assert whole.equals(sliced)
