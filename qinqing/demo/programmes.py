"""The 13 technology programmes of the demo's policy library: the Hangzhou / Zhejiang
encoding (qinqing/policies/programmes.py, see docs/policy-rules.md) moved to Sichuan under
Guang'an titles (“last year” is 2025, decisions on 2026-06-30, the provincial centre for
divisions under 51 四川). Each programme also says how it is delivered: 免申即享 (auto)
or by application with the materials it needs."""

from qinqing.policies.programmes import bind, localised

__all__ = ["APPLY", "AUTO", "DELIVERY", "PROGRAMMES", "bind"]

PROGRAMMES = localised(
    province="51",
    titles={
        2: "市级高新技术企业培育入库",
        3: "市级企业技术中心认定",
        7: "广安市重大科技计划项目",
        8: "四川省重大科技专项",
        9: "广安市知识产权试点企业",
        10: "广安市知识产权示范企业",
        12: "广安市科技型初创企业培育工程",
        13: "科技创新券（竞争性项目）",
    },
)

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
