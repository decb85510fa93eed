"""The 13 Hangzhou / Zhejiang technology programmes (2019 self-test app, see
docs/policy-rules.md) encoded as rules, with the years moved forward: “last year” is
2025 (the source's 2018), the three years are 2023–2025, decisions are on 2026-06-30.

Not encoded (no such fact in the registry): 技术领域, 本科及中级以上人员占比,
集成电路布图设计, 独立研发机构. 市级研发中心 has no qualification kind either.
“低于5000万” is strict: with money in 0.01 万元 the band's upper limit is 4999.99.

One encoding for the rule tests and the demo: `localised()` moves it to another province
(the provincial-centre prefix) under the district's own titles."""

import copy
from collections.abc import Mapping
from typing import Any

ON = "2026-06-30"
IP_ANY = {
    "type": "threshold",
    "label": "专利和软著数量",
    "terms": [
        {"field": f, "year": 2025}
        for f in ("invention_patents", "utility_patents", "design_patents", "software_copyrights")
    ],
    "op": ">=",
    "value": 1,
}
IP_CORE_4 = {
    "any": [
        {"type": "threshold", "field": "invention_patents", "year": 2025, "op": ">=", "value": 1},
        {
            "type": "threshold",
            "label": "实用新型+外观设计+软著",
            "terms": [
                {"field": f, "year": 2025}
                for f in ("utility_patents", "design_patents", "software_copyrights")
            ],
            "op": ">=",
            "value": 4,
        },
    ]
}
HIGH_TECH = {"type": "qualification", "kind": "high_tech", "on": ON}
REG_1 = {"type": "registration_age", "on": ON, "op": ">=", "years": 1}
PATENT_SCORE = {
    "terms": [
        {"field": "invention_patents", "year": 2025, "weight": 5},
        {"field": "utility_patents", "year": 2025, "weight": 2},
        {"field": "design_patents", "year": 2025, "weight": 1},
    ],
    "label": "专利折算分值",
    "type": "threshold",
    "op": ">=",
}
THREE_YEARS = [2023, 2024, 2025]


def rd_bands(bands: list[tuple[float | None, float]], years: list[int]) -> dict[str, Any]:
    return {
        "type": "ratio",
        "numerator": "rd_spending",
        "denominator": "revenue",
        "years": years,
        "op": ">=",
        "bands": [{"upto": u, "value": v} for u, v in bands],
        "band_year": 2025,
    }


def year_min(field: str, value: float, year: int = 2025, op: str = ">=") -> dict[str, Any]:
    return {"type": "threshold", "field": field, "year": year, "op": op, "value": value}


PROVINCE = "33"  # 浙江: the division-code prefix of the provincial centre (programme 6)
PROGRAMMES: dict[int, dict[str, Any]] = {
    1: {"title": "省级科技型中小企业", "amount": 1, "rule": {"all": [REG_1, IP_ANY]}},
    2: {
        "title": "市级高新技术企业",
        "amount": 10,
        "rule": {"all": [REG_1, IP_ANY, rd_bands([(3000, 5), (10000, 4), (None, 3)], THREE_YEARS)]},
    },
    3: {
        "title": "市级企业技术中心",
        "amount": 20,
        "rule": {
            "all": [
                HIGH_TECH,
                {
                    "type": "threshold",
                    "label": "近三年研发经费",
                    "terms": [{"field": "rd_spending", "year": y} for y in THREE_YEARS],
                    "op": ">=",
                    "value": 200,
                },
                {
                    "type": "ratio",
                    "numerator": "rd_staff",
                    "denominator": "employees",
                    "years": [2025],
                    "op": ">=",
                    "value": 15,
                },
            ]
        },
    },
    4: {
        "title": "市级高新技术企业研究开发中心",
        "amount": 20,
        "rule": {
            "all": [
                REG_1,
                HIGH_TECH,
                IP_CORE_4,
                {
                    "type": "ratio",
                    "numerator": "rd_spending",
                    "denominator": "revenue",
                    "years": [2025],
                    "op": ">=",
                    "value": 3,
                },
                year_min("rd_staff", 15),
            ]
        },
    },
    5: {
        "title": "省级企业技术中心",
        "amount": 30,
        "rule": {
            "all": [
                {"type": "qualification", "kind": "tech_centre", "on": ON, "min_years": 1},
                HIGH_TECH,
                IP_CORE_4,
                year_min("revenue", 20000),
                year_min("rd_staff", 50),
            ]
        },
    },
    6: {
        "title": "省级高新技术企业研究开发中心",
        "amount": 30,
        "rule": {
            "all": [
                {"type": "division_prefix", "prefixes": [PROVINCE]},
                HIGH_TECH,
                IP_CORE_4,
                {
                    "any": [
                        rd_bands([(4999.99, 6), (20000, 4), (None, 3)], [2025]),
                        year_min("rd_spending", 1000, op=">"),
                    ]
                },
                year_min("rd_staff", 15),
            ]
        },
    },
    7: {
        "title": "杭州市重大科技计划项目",
        "amount": 300,
        "rule": {
            "all": [
                HIGH_TECH,
                {"type": "qualification", "kind": "tech_centre", "on": ON},
                year_min("rd_spending", 1000),
            ]
        },
    },
    8: {
        "title": "浙江省重大科技计划项目",
        "amount": 300,
        "rule": {
            "all": [
                {
                    "type": "ratio",
                    "numerator": "rd_spending",
                    "denominator": "revenue",
                    "years": [2025],
                    "op": ">=",
                    "value": 1.5,
                }
            ]
        },
    },
    9: {
        "title": "杭州市专利试点企业",
        "amount": None,
        "rule": {"all": [year_min("revenue", 3000), {**PATENT_SCORE, "value": 20}]},
    },
    10: {
        "title": "杭州市专利示范企业",
        "amount": None,
        # “is a 专利试点企业”: awarded programme 9 (bound to its item id at load time)
        "rule": {
            "all": [
                {"not": {"type": "not_awarded", "item": "@9", "period": "2025"}},
                year_min("revenue", 3000),
                {**PATENT_SCORE, "value": 30},
            ]
        },
    },
    11: {
        "title": "国家高新技术企业",
        "amount": 60,
        "rule": {
            "all": [
                {
                    "any": [
                        year_min("invention_patents", 1),
                        year_min("utility_patents", 5),
                        year_min("design_patents", 5),
                        year_min("software_copyrights", 6),
                    ]
                },
                rd_bands([(5000, 5), (20000, 4), (None, 3)], THREE_YEARS),
                {
                    "any": [
                        {
                            "type": "growth",
                            "field": "revenue",
                            "year": 2025,
                            "span": 2,
                            "op": ">=",
                            "value": 15,
                        },
                        year_min("revenue", 200, 2023),
                        year_min("revenue", 200, 2024),
                        year_min("revenue", 200, 2025),
                    ]
                },
            ]
        },
    },
    12: {
        "title": "市科技型初创企业培育工程",
        "amount": 30,
        "rule": {
            "all": [
                REG_1,
                {"type": "threshold", "field": "registered_capital", "op": "<=", "value": 1000},
                IP_ANY,
                {
                    "type": "ratio",
                    "numerator": "rd_spending",
                    "denominator": "revenue",
                    "years": [2025],
                    "op": ">=",
                    "value": 5,
                },
                year_min("revenue", 3000, op="<="),
            ]
        },
    },
    13: {"title": "竞争性项目", "amount": 30, "rule": {"all": [HIGH_TECH]}},
}


def bind(tree: object, ids: dict[int, int]) -> object:
    """Replace "@n" item references with the database id of programme n."""
    if isinstance(tree, dict):
        return {k: bind(v, ids) for k, v in tree.items()}
    if isinstance(tree, list):
        return [bind(v, ids) for v in tree]
    if isinstance(tree, str) and tree.startswith("@"):
        return ids[int(tree[1:])]
    return tree


def localised(
    *, province: str, titles: Mapping[int, str] | None = None
) -> dict[int, dict[str, Any]]:
    """The programmes for a district in another province: the provincial-centre prefix
    replaced, titles renamed where `titles` names them. PROGRAMMES is left as it is."""

    def move(tree: Any) -> Any:
        if isinstance(tree, dict):
            if tree.get("type") == "division_prefix" and tree.get("prefixes") == [PROVINCE]:
                return {**tree, "prefixes": [province]}
            return {k: move(v) for k, v in tree.items()}
        if isinstance(tree, list):
            return [move(v) for v in tree]
        return tree

    titles = titles or {}
    return {
        n: {**copy.deepcopy(p), "title": titles.get(n, p["title"]), "rule": move(p["rule"])}
        for n, p in PROGRAMMES.items()
    }
