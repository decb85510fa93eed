"""The size rule at every threshold (b-1, b, b+1), generated from the data table, and
the cases the reference warns about."""

from decimal import Decimal

import pytest

from qinqing.enterprises import sizeclass
from qinqing.enterprises.sizeclass import (
    EMPLOYEES,
    EXCLUDED,
    LARGE,
    MEDIUM,
    MICRO,
    NOT_APPLICABLE,
    REVENUE,
    SMALL,
    THRESHOLDS,
    TIERS,
    UNKNOWN,
    classify,
    industry_code_error,
    industry_group,
)

# One code per group, to classify through the industry mapping.
GROUP_CODE = {
    "agriculture": "A0111",
    "industry": "C3911",
    "construction": "E4710",
    "wholesale": "F5110",
    "retail": "F5211",
    "transport": "G5410",
    "warehousing": "G5920",
    "postal": "G6010",
    "accommodation": "H6110",
    "catering": "H6210",
    "telecom": "I6311",
    "software": "I6510",
    "real_estate_dev": "K7010",
    "property_mgmt": "K7020",
    "leasing_business": "L7111",
    "other": "M7310",
}

HUGE = 10**9


def boundary_cases():  # type: ignore[no-untyped-def]
    for group, indicators in THRESHOLDS.items():
        for indicator, bounds in indicators.items():
            for tier_index, bound in enumerate(bounds):
                for delta in (-1, 0, 1):
                    value = bound + delta
                    expected = TIERS[tier_index] if delta >= 0 else TIERS[tier_index + 1]
                    yield pytest.param(
                        group,
                        indicator,
                        value,
                        expected,
                        id=f"{group}-{indicator}-{bound}{delta:+d}",
                    )


@pytest.mark.parametrize(("group", "indicator", "value", "expected"), list(boundary_cases()))
def test_each_threshold_decides_the_tier_at_b_minus_1_b_and_b_plus_1(
    group: str, indicator: str, value: int, expected: str
) -> None:
    # the other indicators are far above large, so this one decides alone
    figures = dict.fromkeys(THRESHOLDS[group], HUGE)
    figures[indicator] = value
    assert classify(GROUP_CODE[group], figures).size_class == expected


def test_every_group_has_a_code_in_the_table_test() -> None:
    assert set(GROUP_CODE) == set(THRESHOLDS)
    for group, code in GROUP_CODE.items():
        assert industry_group(code) == group


def test_one_small_indicator_pulls_an_industrial_firm_down() -> None:
    # 1,500 people (large) but revenue 1,000万 (small): small, the worst of the two
    assert classify("C3911", {EMPLOYEES: 1500, REVENUE: 1000}).size_class == SMALL
    # both in the medium bands: medium
    assert classify("C3911", {EMPLOYEES: 300, REVENUE: 2000}).size_class == MEDIUM
    # large needs both
    assert classify("C3911", {EMPLOYEES: 1000, REVENUE: Decimal("39999.99")}).size_class == MEDIUM
    assert classify("C3911", {EMPLOYEES: 1000, REVENUE: 40000}).size_class == LARGE


def test_micro_needs_only_one_indicator_below_small() -> None:
    assert classify("F5211", {EMPLOYEES: 9, REVENUE: 15000}).size_class == MICRO


def test_reference_pitfalls_are_not_repeated() -> None:
    # 仓储 medium is 100-200 people, not 200-300
    assert classify("G5920", {EMPLOYEES: 150, REVENUE: 5000}).size_class == MEDIUM
    # 信息传输 medium revenue reaches up to 10亿 (100000万), never "no class"
    assert classify("I6311", {EMPLOYEES: 500, REVENUE: 50000}).size_class == MEDIUM
    # 其他未列明: 10 people is small, 9 is micro
    assert classify("M7310", {EMPLOYEES: 10}).size_class == SMALL
    assert classify("M7310", {EMPLOYEES: 9}).size_class == MICRO
    # 物业管理: exactly 100 people is small, not micro
    assert classify("K7020", {EMPLOYEES: 100, REVENUE: 600}).size_class == SMALL
    # 59 is split: 591 装卸搬运 is transport, 592-599 仓储
    assert industry_group("G5910") == "transport"
    assert industry_group("G5990") == "warehousing"
    assert industry_group("G59") is None


@pytest.mark.parametrize(
    "code", ["J6620", "P8310", "Q8411", "S9110", "T9700", "G5311", "K7040", "J"]
)
def test_excluded_industries_are_not_applicable_never_micro(code: str) -> None:
    assert industry_group(code) == EXCLUDED
    assert classify(code, {EMPLOYEES: 1, REVENUE: 1}).size_class == NOT_APPLICABLE


def test_social_work_and_real_estate_agency_fall_under_other_industries() -> None:
    assert industry_group("Q8510") == "other"
    assert industry_group("K7030") == "other"
    assert industry_group("K7090") == "other"


def test_missing_indicator_or_coarse_code_gives_unknown() -> None:
    assert classify("C3911", {EMPLOYEES: 50}).size_class == UNKNOWN
    assert classify("C3911", {}).size_class == UNKNOWN
    assert classify("K70", {REVENUE: 50}).size_class == UNKNOWN
    assert classify("", {EMPLOYEES: 50}).size_class == UNKNOWN
    assert classify("C", {EMPLOYEES: 50, REVENUE: 100}).size_class == MICRO


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("C3911", True),
        ("C", True),
        ("C39", True),
        ("A3911", False),
        ("Z01", False),
        ("C39X", False),
    ],
)
def test_industry_codes_must_be_coherent_gbt_4754_codes(code: str, ok: bool) -> None:
    assert (industry_code_error(code) is None) is ok
    assert sizeclass.industry_code_error("A3911") == "行业大类 39 不属于门类 A"


@pytest.mark.parametrize(("group", "indicator"), [
    (group, indicator) for group, indicators in THRESHOLDS.items() if len(indicators) > 1
    for indicator in indicators
])  # fmt: skip
def test_one_indicator_below_the_small_bound_makes_micro_when_the_other_is_missing(
    group: str, indicator: str
) -> None:
    # 附表 note 1: 微型企业只须满足所列指标中的一项即可
    small_bound = THRESHOLDS[group][indicator][2]
    result = classify(GROUP_CODE[group], {indicator: small_bound - 1})
    assert result.size_class == MICRO
    assert "微型" in result.reason


def test_one_indicator_at_small_or_above_with_the_other_missing_stays_unknown() -> None:
    assert classify("C3911", {EMPLOYEES: 20}).size_class == UNKNOWN
    assert classify("C3911", {REVENUE: 299}).size_class == MICRO


def test_the_column_classification_agrees_with_classify_at_every_boundary() -> None:
    import itertools

    import polars as pl

    from qinqing.enterprises.sizeclass import TOTAL_ASSETS, classify, size_class_expr

    codes = ["C3911", "A0111", "E4811", "F5131", "F5211", "G5430", "G5920", "G5910", "H6210",
             "I6510", "K7010", "K7020", "L7211", "M7320", "J6610", "P8311", "C", "G59", "", None]  # fmt: skip
    points: dict[str, set[float | None]] = {
        EMPLOYEES: {None},
        REVENUE: {None},
        TOTAL_ASSETS: {None},
    }
    for bounds in THRESHOLDS.values():
        for indicator, values in bounds.items():
            for b in values:
                points[indicator].update({b - 1, b - 0.01, b, b + 1})
    rows = []
    for code in codes:
        for e, r, a in itertools.product(*[sorted(points[k], key=lambda v: (v is None, v or 0))[::3] for k in (EMPLOYEES, REVENUE, TOTAL_ASSETS)]):  # fmt: skip
            rows.append((code, e, r, a))
    frame = pl.DataFrame(rows, schema=["code", EMPLOYEES, REVENUE, TOTAL_ASSETS], orient="row")
    ours = (
        frame.select(
            size_class_expr(
                pl.col("code"), {k: pl.col(k) for k in (EMPLOYEES, REVENUE, TOTAL_ASSETS)}, codes
            )
        )
        .to_series()
        .to_list()
    )
    theirs = [classify(c, {EMPLOYEES: e, REVENUE: r, TOTAL_ASSETS: a}).size_class for c, e, r, a in rows]  # fmt: skip
    assert ours == theirs
    assert len(set(theirs)) == 6  # every class drawn
