"""The 13 technology programmes of the demo's policy library, in the shape of the
Hangzhou / Zhejiang self-test encoding (qinqing/policies/tests/hangzhou.py, see
docs/policy-rules.md), moved to Sichuan: “last year” is 2025, the three years are
2023–2025, decisions are on 2026-06-30, and the provincial centre is for divisions under
51 (四川). Each programme also says how it is delivered: 免申即享 (auto) or by
application with the materials it needs."""

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


PROGRAMMES: dict[int, dict[str, Any]] = {
    1: {"title": "省级科技型中小企业", "amount": 1, "rule": {"all": [REG_1, IP_ANY]}},
    2: {
        "title": "市级高新技术企业培育入库",
        "amount": 10,
        "rule": {"all": [REG_1, IP_ANY, rd_bands([(3000, 5), (10000, 4), (None, 3)], THREE_YEARS)]},
    },
    3: {
        "title": "市级企业技术中心认定",
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
                {"type": "division_prefix", "prefixes": ["51"]},
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
        "title": "广安市重大科技计划项目",
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
        "title": "四川省重大科技专项",
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
        "title": "广安市知识产权试点企业",
        "amount": None,
        "rule": {"all": [year_min("revenue", 3000), {**PATENT_SCORE, "value": 20}]},
    },
    10: {
        "title": "广安市知识产权示范企业",
        "amount": None,
        # “is a 知识产权试点企业”: awarded programme 9 (bound to its item id at load time)
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
        "title": "广安市科技型初创企业培育工程",
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
    13: {"title": "科技创新券（竞争性项目）", "amount": 30, "rule": {"all": [HIGH_TECH]}},
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


AUTO = "auto"
APPLY = "apply"
# programme -> (mode, department code, required materials, budget in 万元 or None)
DELIVERY: dict[int, tuple[str, str, list[str], int | None]] = {
    1: (AUTO, "D-KJJ", [], 100),
    2: (AUTO, "D-KJJ", [], 400),
    3: (APPLY, "D-JXJ", ["licence", "financials", "rd_audit"], 200),
    4: (APPLY, "D-KJJ", ["licence", "rd_audit", "ip_certs"], 200),
    5: (APPLY, "D-JXJ", ["licence", "financials", "qual_cert"], 150),
    6: (APPLY, "D-KJJ", ["licence", "rd_audit", "ip_certs"], 150),
    7: (APPLY, "D-KJJ", ["licence", "financials", "rd_audit", "form"], 900),
    8: (APPLY, "D-KJJ", ["licence", "financials", "form"], 1500),
    9: (AUTO, "D-SCJ", [], None),
    10: (APPLY, "D-SCJ", ["licence", "ip_certs"], None),
    11: (AUTO, "D-KJJ", [], 1500),
    12: (APPLY, "D-KJJ", ["licence", "financials", "bank"], 300),
    13: (APPLY, "D-KJJ", ["licence", "form", "bank"], 300),
}
