"""From a JSON tree to nodes: the clause catalogue and `parse`, which names where an error is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qinqing.policies.rules.base import RuleError
from qinqing.policies.rules.clauses import (
    FlagClause,
    InSetClause,
    NotAwardedClause,
    PrefixClause,
    QualificationClause,
    RegistrationAgeClause,
)
from qinqing.policies.rules.nodes import Clause, Group, Node, Not
from qinqing.policies.rules.numeric import GrowthClause, RatioClause, ThresholdClause

CLAUSE_TYPES = {
    "division_prefix": gettext_lazy("Division code starts with"),
    "industry_prefix": gettext_lazy("Industry code starts with"),
    "size_class_in": gettext_lazy("Size class is one of"),
    "tax_credit_in": gettext_lazy("Tax credit rating is one of"),
    "qualification": gettext_lazy("Holds a qualification on a date"),
    "registration_age": gettext_lazy("Registration age in years"),
    "threshold": gettext_lazy("Threshold on a fact or a weighted sum"),
    "ratio": gettext_lazy("Ratio of two facts (percent, optionally banded)"),
    "growth": gettext_lazy("Growth over years (percent)"),
    "flag": gettext_lazy("Yes/no fact"),
    "not_awarded": gettext_lazy("Not already awarded an item in a period"),
}


def parse(tree: Any, *, own_item: int | None = None, where: str = "") -> Node:
    """Parse a rule tree; RuleError names the place (e.g. “条件 2.1”) and the problem."""
    where = where or _("rule")
    if not isinstance(tree, dict):
        raise RuleError(_("%(where)s: must be an object.") % {"where": where})
    for op in ("all", "any"):
        if op in tree:
            children = tree[op]
            if not isinstance(children, list) or not children:
                raise RuleError(
                    _("%(where)s: “%(op)s” needs at least one condition.")
                    % {"where": where, "op": op}
                )
            return Group(
                op,
                [
                    parse(
                        child,
                        own_item=own_item,
                        where=_("condition %(path)s") % {"path": _path(where, i)},
                    )
                    for i, child in enumerate(children, start=1)
                ],
            )
    if "not" in tree:
        return Not(parse(tree["not"], own_item=own_item, where=where))
    kind = tree.get("type")
    if kind in ("division_prefix", "industry_prefix"):
        return PrefixClause(kind, tree, where)
    if kind in ("size_class_in", "tax_credit_in"):
        return InSetClause(kind, tree, where)
    builders: dict[str, Callable[[dict[str, Any], str], Clause]] = {
        "qualification": QualificationClause,
        "registration_age": RegistrationAgeClause,
        "threshold": ThresholdClause,
        "ratio": RatioClause,
        "growth": GrowthClause,
        "flag": FlagClause,
    }
    if kind in builders:
        return builders[kind](tree, where)
    if kind == "not_awarded":
        return NotAwardedClause(tree, where, own_item)
    raise RuleError(
        _("%(where)s: unknown condition type “%(kind)s”.") % {"where": where, "kind": kind}
    )


def _path(where: str, i: int) -> str:
    prefix = where.rsplit(" ", 1)[-1] if any(ch.isdigit() for ch in where) else ""
    return f"{prefix}.{i}" if prefix else str(i)


def top_level(node: Node) -> list[Node]:
    """The conditions an officer reads as a list: the children of a root “all”."""
    if isinstance(node, Group) and node.op == "all":
        return node.children
    return [node]
