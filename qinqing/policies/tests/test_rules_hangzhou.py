"""The 13 Hangzhou programmes at and around every threshold, each decided both in Python
and in Polars (helpers.both)."""

from __future__ import annotations

import datetime as dt

import pytest

from qinqing.policies import programmes as hangzhou
from qinqing.policies.tests.helpers import both
from qinqing.policies.tests.test_rules import make_facts, programme, same_every_year

HANGZHOU_CASES = [
    # 1 省级科技型中小企业: registered ≥ 1 year; ≥ 1 patent or copyright
    (1, {}, "E"),
    (1, {"registered_on": dt.date(2025, 6, 30)}, "E"),
    (1, {"registered_on": dt.date(2025, 7, 1)}, "A"),
    (
        1,
        {
            "y2025": {
                "invention_patents": 0,
                "utility_patents": 0,
                "design_patents": 0,
                "software_copyrights": 0,
            }
        },
        "A",
    ),
    (
        1,
        {
            "y2025": {
                "invention_patents": 0,
                "utility_patents": 0,
                "design_patents": 0,
                "software_copyrights": 1,
            }
        },
        "E",
    ),
    (1, {"registered_on": None}, "U"),
    # 2 市级高新技术企业: R&D ÷ revenue over three years, banded by 2025 revenue 3000 / 10000
    (2, same_every_year(3000.0, 150.0), "E"),
    (2, same_every_year(3000.0, 149.99), "A"),
    (2, same_every_year(3000.01, 120.01), "E"),
    (2, same_every_year(3000.01, 120.0), "A"),
    (2, same_every_year(10000.0, 400.0), "E"),
    (2, same_every_year(10000.0, 399.99), "A"),
    (2, same_every_year(10000.01, 300.01), "E"),
    (2, same_every_year(10000.01, 300.0), "A"),
    (2, {"y2024": {"rd_spending": None}}, "U"),
    # 3 市级企业技术中心: high-tech; R&D 2023–2025 ≥ 200; R&D staff ≥ 15% of employees
    (
        3,
        {
            "y2023": {"rd_spending": 66.67},
            "y2024": {"rd_spending": 66.67},
            "y2025": {"rd_spending": 66.66},
        },
        "E",
    ),
    (
        3,
        {
            "y2023": {"rd_spending": 66.66},
            "y2024": {"rd_spending": 66.67},
            "y2025": {"rd_spending": 66.66},
        },
        "A",
    ),
    (3, {"y2025": {"rd_staff": 15, "employees": 100}}, "E"),
    (3, {"y2025": {"rd_staff": 14, "employees": 100}}, "A"),
    (3, {"qualifications": []}, "A"),
    (3, {"y2025": {"employees": None}}, "U"),
    # 4 市级研发中心: invention ≥ 1 or utility+design+software ≥ 4; R&D ≥ 3%; R&D staff ≥ 15
    (4, {"y2025": {"revenue": 5000.0, "rd_spending": 150.0}}, "E"),
    (4, {"y2025": {"revenue": 5000.0, "rd_spending": 149.99}}, "A"),
    (
        4,
        {
            "y2025": {
                "invention_patents": 0,
                "utility_patents": 2,
                "design_patents": 1,
                "software_copyrights": 1,
            }
        },
        "E",
    ),
    (
        4,
        {
            "y2025": {
                "invention_patents": 0,
                "utility_patents": 2,
                "design_patents": 1,
                "software_copyrights": 0,
            }
        },
        "A",
    ),
    (4, {"y2025": {"rd_staff": 15}}, "E"),
    (4, {"y2025": {"rd_staff": 14}}, "A"),
    # 5 省级企业技术中心: tech centre ≥ 1 year; revenue ≥ 20000; R&D staff ≥ 50
    (5, {"y2025": {"revenue": 20000.0, "rd_staff": 50}}, "E"),
    (5, {"y2025": {"revenue": 19999.99, "rd_staff": 50}}, "A"),
    (5, {"y2025": {"revenue": 20000.0, "rd_staff": 49}}, "A"),
    (
        5,
        {
            "y2025": {"revenue": 20000.0, "rd_staff": 50},
            "qualifications": [
                ("high_tech", dt.date(2024, 1, 1), None),
                ("tech_centre", dt.date(2025, 7, 1), None),
            ],
        },
        "A",
    ),
    (
        5,
        {
            "y2025": {"revenue": 20000.0, "rd_staff": 50},
            "qualifications": [
                ("high_tech", dt.date(2024, 1, 1), None),
                ("tech_centre", dt.date(2025, 6, 30), None),
            ],
        },
        "E",
    ),
    # 6 省级研发中心: in Zhejiang; R&D share 6 / 4 / 3% by revenue below 5000 / to 20000, or R&D > 1000
    (6, {"y2025": {"revenue": 4999.99, "rd_spending": 300.0}}, "E"),
    (6, {"y2025": {"revenue": 4999.99, "rd_spending": 299.99}}, "A"),
    (6, {"y2025": {"revenue": 5000.0, "rd_spending": 200.0}}, "E"),
    (6, {"y2025": {"revenue": 5000.0, "rd_spending": 199.99}}, "A"),
    (6, {"y2025": {"revenue": 50000.0, "rd_spending": 1000.0}}, "A"),
    (6, {"y2025": {"revenue": 50000.0, "rd_spending": 1000.01}}, "E"),
    (
        6,
        {"division_code": "511602", "y2025": {"rd_spending": 200.0}},
        "N",
    ),  # outside Zhejiang: not its target
    (6, {"y2025": {"rd_spending": 200.0}}, "E"),
    # 7 杭州市重大科技计划: high-tech, tech centre, R&D ≥ 1000
    (7, {"y2025": {"rd_spending": 1000.0, "revenue": 50000.0}}, "E"),
    (7, {"y2025": {"rd_spending": 999.99, "revenue": 50000.0}}, "A"),
    # 8 浙江省重大科技计划: R&D ≥ 1.5% of revenue
    (8, {"y2025": {"revenue": 10000.0, "rd_spending": 150.0}}, "E"),
    (8, {"y2025": {"revenue": 10000.0, "rd_spending": 149.99}}, "N"),
    (8, {"y2025": {"revenue": 0.0, "rd_spending": 10.0}}, "U"),
    # 9 专利试点: revenue ≥ 3000; 5×invention + 2×utility + design ≥ 20
    (
        9,
        {
            "y2025": {
                "revenue": 3000.0,
                "invention_patents": 2,
                "utility_patents": 4,
                "design_patents": 2,
            }
        },
        "E",
    ),
    (
        9,
        {
            "y2025": {
                "revenue": 3000.0,
                "invention_patents": 2,
                "utility_patents": 4,
                "design_patents": 1,
            }
        },
        "A",
    ),
    (9, {"y2025": {"revenue": 2999.99, "invention_patents": 4}}, "A"),
    (
        9,
        {
            "y2025": {
                "revenue": 3000.0,
                "invention_patents": 3,
                "utility_patents": 2,
                "design_patents": None,
            }
        },
        "U",
    ),
    # 10 专利示范: already a 专利试点 (awarded programme 9), score ≥ 30
    (10, {"awards": {(9, "2025")}, "y2025": {"revenue": 3000.0, "invention_patents": 6}}, "E"),
    (
        10,
        {
            "awards": {(9, "2025")},
            "y2025": {
                "revenue": 3000.0,
                "invention_patents": 5,
                "utility_patents": 2,
                "design_patents": 0,
            },
        },
        "A",
    ),
    (10, {"y2025": {"revenue": 3000.0, "invention_patents": 6}}, "A"),
    # 11 国家高新: IP; R&D share 5 / 4 / 3% over three years by 2025 revenue 5000 / 20000; growth or revenue ≥ 200
    (11, same_every_year(5000.0, 250.0), "E"),
    (11, same_every_year(5000.0, 249.99), "A"),
    (11, same_every_year(5000.01, 200.01), "E"),
    (11, same_every_year(20000.0, 799.99), "A"),
    (11, same_every_year(20000.01, 600.01), "E"),
    (
        11,
        {
            "y2025": {
                "invention_patents": 0,
                "utility_patents": 5,
                "design_patents": 0,
                "software_copyrights": 0,
            }
        },
        "E",
    ),
    (
        11,
        {
            "y2025": {
                "invention_patents": 0,
                "utility_patents": 4,
                "design_patents": 4,
                "software_copyrights": 5,
            }
        },
        "A",
    ),
    (
        11,
        {
            "y2023": {"revenue": 100.0, "rd_spending": 10.0},
            "y2024": {"revenue": 115.0, "rd_spending": 10.0},
            "y2025": {"revenue": 132.25, "rd_spending": 10.0},
        },
        "E",
    ),
    (
        11,
        {
            "y2023": {"revenue": 100.0, "rd_spending": 10.0},
            "y2024": {"revenue": 115.0, "rd_spending": 10.0},
            "y2025": {"revenue": 132.0, "rd_spending": 10.0},
        },
        "A",
    ),
    (
        11,
        {
            "y2023": {"revenue": 100.0, "rd_spending": 10.0},
            "y2024": {"revenue": 199.99, "rd_spending": 10.0},
            "y2025": {"revenue": 200.0, "rd_spending": 10.0},
        },
        "E",
    ),
    # 12 初创培育: capital ≤ 1000; R&D ≥ 5%; revenue ≤ 3000
    (12, {"registered_capital": 1000.0, "y2025": {"revenue": 3000.0, "rd_spending": 150.0}}, "E"),
    (12, {"registered_capital": 1000.01, "y2025": {"revenue": 3000.0, "rd_spending": 150.0}}, "A"),
    (12, {"y2025": {"revenue": 3000.01, "rd_spending": 150.01}}, "A"),
    (12, {"y2025": {"revenue": 3000.0, "rd_spending": 149.99}}, "A"),
    (12, {"registered_capital": None}, "U"),
    # 13 竞争性项目: high-tech
    (13, {}, "E"),
    (13, {"qualifications": [("high_tech", dt.date(2020, 1, 1), dt.date(2026, 6, 29))]}, "N"),
]


@pytest.mark.parametrize(("number", "changes", "expected"), HANGZHOU_CASES)
def test_hangzhou_programme_at_and_around_its_thresholds(
    number: int, changes: dict, expected: str
) -> None:
    assert both(programme(number), make_facts(**changes), item_id=number) == expected


def test_every_hangzhou_programme_is_covered() -> None:
    assert {case[0] for case in HANGZHOU_CASES} == set(hangzhou.PROGRAMMES)
