"""秒批: an item's automatic-approval rule, checked against registry facts and the
materials on file (pure: the caller passes the facts in). Every check says, in Chinese,
what it looked at, so the decision can be shown to the applicant and to supervisors.

A rule is a list of check names (ServiceItem.auto_rule); unknown names fail closed."""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from qinqing.catalog.vocab import kind_label

CHECK_LABELS = {
    "in_registry": "申请人在企业库中登记在册",
    "not_dishonest": "未列入严重失信主体名单",
    "tax_credit_ab": "纳税信用等级为 A 或 B",
    "materials_on_file": "所需证照均已在证照库中且在有效期内",
    "registered_one_year": "成立满一年",
}


@dataclass(frozen=True)
class Facts:
    in_registry: bool
    serious_dishonesty: bool | None
    tax_credit_rating: str
    registered_on: dt.date | None
    kinds_needed: tuple[str, ...]
    kinds_on_file: frozenset[str]
    today: dt.date


@dataclass(frozen=True)
class Check:
    name: str
    label: str
    passed: bool
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "passed": self.passed,
            "detail": self.detail,
        }


def evaluate(rule: Iterable[str], facts: Facts) -> list[Check]:
    return [_check(name, facts) for name in rule]


def passes(checks: Iterable[Check]) -> bool:
    checks = list(checks)
    return bool(checks) and all(c.passed for c in checks)


def _check(name: str, f: Facts) -> Check:
    label = CHECK_LABELS.get(name, name)
    if name == "in_registry":
        return Check(name, label, f.in_registry, "已登记" if f.in_registry else "企业库中无此企业")
    if name == "not_dishonest":
        ok = f.in_registry and f.serious_dishonesty is not True
        return Check(name, label, ok, "未列入" if ok else "已列入严重失信名单或未登记")
    if name == "tax_credit_ab":
        ok = f.tax_credit_rating in ("A", "B")
        return Check(name, label, ok, f"纳税信用等级：{f.tax_credit_rating or '无'}")
    if name == "materials_on_file":
        missing = [k for k in f.kinds_needed if k not in f.kinds_on_file]
        detail = "缺：" + "、".join(kind_label(k) for k in missing) if missing else "齐全"
        return Check(name, label, not missing, detail)
    if name == "registered_one_year":
        ok = f.registered_on is not None and (f.today - f.registered_on).days >= 365
        when = f.registered_on.isoformat() if f.registered_on else "未知"
        return Check(name, label, ok, f"成立日期：{when}")
    return Check(name, label, False, "未知的检查项，按不满足处理")


def explain(checks: Iterable[Mapping[str, Any]]) -> str:
    return "；".join(
        f"{c['label']}：{'满足' if c['passed'] else '不满足'}（{c['detail']}）" for c in checks
    )
