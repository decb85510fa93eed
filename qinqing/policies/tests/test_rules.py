"""Every clause type, three-valued logic, explanations, and the Hangzhou programmes at
and around every threshold, each decided both in Python and in Polars (helpers.both)."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from qinqing.policies import programmes as hangzhou
from qinqing.policies.matching import decide
from qinqing.policies.rules import Benefit, EnterpriseFacts, RuleError, parse
from qinqing.policies.tests.helpers import both, compiled


def make_facts(**changes: Any) -> EnterpriseFacts:
    """A strong Hangzhou technology company; `y2025={"revenue": ...}` changes one year."""
    years = {
        2023: {"revenue": 2000.0, "rd_spending": 150.0},
        2024: {"revenue": 2400.0, "rd_spending": 160.0},
        2025: {
            "revenue": 2800.0,
            "rd_spending": 160.0,
            "employees": 100,
            "rd_staff": 20,
            "invention_patents": 2,
            "utility_patents": 6,
            "design_patents": 2,
            "software_copyrights": 3,
        },
    }
    base: dict[str, Any] = {
        "enterprise_id": 1,
        "division_code": "330106",
        "industry_code": "I6510",
        "size_class": "small",
        "tax_credit_rating": "A",
        "registered_on": dt.date(2020, 1, 1),
        "registered_capital": 800.0,
        "serious_dishonesty": False,
        "is_listed": False,
        "qualifications": [
            ("high_tech", dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
            ("tech_centre", dt.date(2024, 1, 1), None),
        ],
        "awards": set(),
    }
    years = copy.deepcopy(years)
    for key, value in changes.items():
        if key.startswith("y") and key[1:].isdigit():
            years.setdefault(int(key[1:]), {}).update(value)
        else:
            base[key] = value
    return EnterpriseFacts(years=years, **base)  # type: ignore[arg-type]


def same_every_year(revenue: float | None, rd: float | None) -> dict[str, Any]:
    return {f"y{y}": {"revenue": revenue, "rd_spending": rd} for y in (2023, 2024, 2025)}


def programme(n: int) -> dict:
    return hangzhou.bind(hangzhou.PROGRAMMES[n]["rule"], {9: 9})  # type: ignore[return-value]


# --- clause types -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tree", "facts", "expected"),
    [
        ({"type": "division_prefix", "prefixes": ["3301"]}, make_facts(), "E"),
        ({"type": "division_prefix", "prefixes": ["5116"]}, make_facts(), "N"),
        ({"type": "division_prefix", "prefixes": ["5116"]}, make_facts(division_code=None), "U"),
        ({"type": "industry_prefix", "prefixes": ["C", "I65"]}, make_facts(), "E"),
        ({"type": "industry_prefix", "prefixes": ["C"]}, make_facts(), "N"),
        ({"type": "industry_prefix", "prefixes": ["C"]}, make_facts(industry_code=None), "U"),
        ({"type": "size_class_in", "values": ["small", "micro"]}, make_facts(), "E"),
        ({"type": "size_class_in", "values": ["large"]}, make_facts(), "N"),
        ({"type": "size_class_in", "values": ["large"]}, make_facts(size_class=None), "U"),
        ({"type": "tax_credit_in", "values": ["A", "B"]}, make_facts(tax_credit_rating="B"), "E"),
        ({"type": "tax_credit_in", "values": ["A", "B"]}, make_facts(tax_credit_rating="M"), "N"),
        ({"type": "tax_credit_in", "values": ["A"]}, make_facts(tax_credit_rating=None), "U"),
        ({"type": "flag", "field": "serious_dishonesty", "value": False}, make_facts(), "E"),
        (
            {"type": "flag", "field": "serious_dishonesty", "value": False},
            make_facts(serious_dishonesty=True),
            "N",
        ),
        (
            {"type": "flag", "field": "serious_dishonesty", "value": False},
            make_facts(serious_dishonesty=None),
            "U",
        ),
        ({"type": "not_awarded", "period": "2025"}, make_facts(), "E"),
        ({"type": "not_awarded", "period": "2025"}, make_facts(awards={(1, "2025")}), "N"),
        ({"type": "not_awarded", "period": "2025"}, make_facts(awards={(1, "2024")}), "E"),
        ({"type": "qualification", "kind": "high_tech", "on": "2027-12-31"}, make_facts(), "E"),
        ({"type": "qualification", "kind": "high_tech", "on": "2028-01-01"}, make_facts(), "N"),
        ({"type": "qualification", "kind": "high_tech", "on": "2023-12-31"}, make_facts(), "N"),
        (
            {"type": "qualification", "kind": "tech_centre", "on": "2025-01-01", "min_years": 1},
            make_facts(),
            "E",
        ),
        (
            {"type": "qualification", "kind": "tech_centre", "on": "2024-12-31", "min_years": 1},
            make_facts(),
            "N",
        ),
        (
            {"type": "qualification", "kind": "srdi", "on": "2025-01-01"},
            make_facts(qualifications=[]),
            "N",
        ),
        (
            {"type": "registration_age", "on": "2025-01-01", "op": ">=", "years": 5},
            make_facts(),
            "E",
        ),
        (
            {"type": "registration_age", "on": "2024-12-31", "op": ">=", "years": 5},
            make_facts(),
            "N",
        ),
        (
            {"type": "registration_age", "on": "2025-01-01", "op": "<", "years": 5},
            make_facts(),
            "N",
        ),
        (
            {"type": "registration_age", "on": "2024-12-31", "op": "<", "years": 5},
            make_facts(),
            "E",
        ),
        (
            {"type": "registration_age", "on": "2025-01-01", "op": ">=", "years": 1},
            make_facts(registered_on=None),
            "U",
        ),
        (
            {"type": "threshold", "field": "employees", "year": 2025, "op": ">=", "value": 100},
            make_facts(),
            "E",
        ),
        (
            {"type": "threshold", "field": "employees", "year": 2025, "op": ">", "value": 100},
            make_facts(),
            "N",
        ),
        (
            {"type": "threshold", "field": "employees", "year": 2024, "op": ">=", "value": 1},
            make_facts(),
            "U",
        ),
        (
            {"type": "threshold", "field": "revenue", "year": 2025, "op": "<=", "value": 2800},
            make_facts(),
            "E",
        ),
        (
            {"type": "threshold", "field": "registered_capital", "op": "<=", "value": 799.99},
            make_facts(),
            "N",
        ),
        (
            {"type": "growth", "field": "revenue", "year": 2025, "op": ">=", "value": 16.666667},
            make_facts(),
            "E",
        ),
        (
            {"type": "growth", "field": "revenue", "year": 2025, "op": ">=", "value": 16.67},
            make_facts(),
            "N",
        ),
        (
            {"type": "growth", "field": "revenue", "year": 2025, "op": ">=", "value": 15},
            make_facts(y2024={"revenue": None}),
            "U",
        ),
        (
            {"type": "growth", "field": "revenue", "year": 2025, "op": ">=", "value": 15},
            make_facts(y2024={"revenue": 0.0}),
            "U",
        ),
        (
            {
                "type": "ratio",
                "numerator": "rd_staff",
                "denominator": "employees",
                "year": 2025,
                "op": ">=",
                "value": 20,
            },
            make_facts(),
            "E",
        ),
        (
            {
                "type": "ratio",
                "numerator": "rd_staff",
                "denominator": "employees",
                "year": 2025,
                "op": ">=",
                "value": 20.01,
            },
            make_facts(),
            "N",
        ),
        (
            {
                "type": "ratio",
                "numerator": "rd_staff",
                "denominator": "employees",
                "year": 2025,
                "op": ">=",
                "value": 1,
            },
            make_facts(y2025={"employees": None}),
            "U",
        ),
    ],
)
def test_every_clause_type_passes_fails_or_is_unknown(
    tree: dict, facts: EnterpriseFacts, expected: str
) -> None:
    assert both(tree, facts) == expected


def test_a_partly_known_sum_that_already_reaches_the_bound_passes() -> None:
    tree = hangzhou.IP_ANY
    assert both(tree, make_facts(y2025={"design_patents": None})) == "E"
    nothing = {
        "invention_patents": 0,
        "utility_patents": 0,
        "design_patents": None,
        "software_copyrights": 0,
    }
    assert both(tree, make_facts(y2025=nothing)) == "U"
    assert both({**tree, "op": "<=", "value": 5}, make_facts(y2025={"design_patents": None})) == "N"


def test_missing_is_never_read_as_false_through_not_any_and_all() -> None:
    unknown = {"type": "flag", "field": "serious_dishonesty", "value": True}
    facts = make_facts(serious_dishonesty=None)
    assert both({"not": unknown}, facts) == "U"
    assert both({"any": [unknown, {"type": "size_class_in", "values": ["small"]}]}, facts) == "E"
    assert both({"any": [unknown, {"type": "size_class_in", "values": ["large"]}]}, facts) == "U"
    assert (
        both({"all": [{"any": [unknown]}, {"type": "size_class_in", "values": ["large"]}]}, facts)
        == "N"
    )


def test_failing_exactly_one_condition_is_almost_eligible_with_the_reason() -> None:
    tree = {"all": [hangzhou.REG_1, {"type": "tax_credit_in", "values": ["B"]}]}
    assert both(tree, make_facts()) == "A"
    answer = decide(compiled(tree), make_facts())
    with translation.override("en"):
        assert [r.text for r in answer.failing] == ["tax credit rating is A (required: B): fail"]
    two_fail = {"all": [*tree["all"], {"type": "flag", "field": "is_listed", "value": True}]}
    assert both(two_fail, make_facts()) == "N"


def test_failing_only_the_scope_of_an_item_is_not_almost_eligible() -> None:
    tree = {"all": [{"type": "industry_prefix", "prefixes": ["C"]}, hangzhou.REG_1]}
    assert both(tree, make_facts()) == "N"
    assert (
        both(
            {
                "all": [
                    {"type": "industry_prefix", "prefixes": ["I"]},
                    {"type": "tax_credit_in", "values": ["B"]},
                ]
            },
            make_facts(),
        )
        == "A"
    )


def test_explanation_states_the_ratio_and_the_requirement_in_chinese() -> None:
    tree = {"all": [hangzhou.rd_bands([(5000, 5), (20000, 4), (None, 3)], [2025])]}
    facts = make_facts(y2025={"revenue": 10000.0, "rd_spending": 310.0})
    with translation.override("zh-hans"):
        text = decide(compiled(tree), facts).conditions[0][1].text
    assert "3.1%" in text and "4.0%" in text and "2025" in text


def test_bad_rules_get_a_chinese_message_naming_the_condition() -> None:
    with translation.override("zh-hans"), pytest.raises(RuleError) as exc:
        parse(
            {
                "all": [
                    hangzhou.REG_1,
                    {"type": "threshold", "field": "revenue", "year": 2025, "op": ">="},
                ]
            }
        )
    assert "2" in str(exc.value) and "value" in str(exc.value)
    with pytest.raises(RuleError):
        parse({"all": [{"type": "nonsense"}]})
    with pytest.raises(RuleError):
        parse({"any": []})


@pytest.mark.parametrize(
    ("benefit", "facts", "amount"),
    [
        (Benefit(kind="fixed", amount=20, per_enterprise_cap=15), make_facts(), 15.0),
        (
            Benefit(kind="percent", rate=10, cap=12, base_field="rd_spending", base_year=2025),
            make_facts(),
            12.0,
        ),
        (
            Benefit(kind="percent", rate=5, base_field="rd_spending", base_year=2025),
            make_facts(),
            8.0,
        ),
        (
            Benefit(
                kind="tiers",
                base_field="revenue",
                base_year=2025,
                tiers=((0, 5), (2800, 10), (5000, 20)),
            ),
            make_facts(),
            10.0,
        ),
        (
            Benefit(
                kind="tiers", base_field="revenue", base_year=2025, tiers=((0, 5), (2800.01, 10))
            ),
            make_facts(),
            5.0,
        ),
        (
            Benefit(kind="percent", rate=5, base_field="rd_spending", base_year=2024),
            make_facts(y2024={"rd_spending": None}),
            None,
        ),
    ],
)
def test_benefit_amounts_respect_caps_and_tiers(
    benefit: Benefit, facts: EnterpriseFacts, amount: float | None
) -> None:
    tree = {"type": "size_class_in", "values": ["small"]}
    both(tree, facts, benefit)
    assert decide(compiled(tree, benefit), facts).amount == amount
