"""The rule tree: the node interface, all/any/not with Kleene logic, and spec readers."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from qinqing.policies.rules.base import OPS, ClauseResult, EnterpriseFacts, Need, RuleError

# --- nodes ----------------------------------------------------------------------


class Node(ABC):
    """A rule tree node: a clause (leaf) or all/any/not over children."""

    @abstractmethod
    def needs(self) -> set[Need]: ...

    @abstractmethod
    def expr(self) -> pl.Expr: ...

    @abstractmethod
    def evaluate(self, facts: EnterpriseFacts) -> ClauseResult: ...

    @abstractmethod
    def describe(self) -> str: ...

    @abstractmethod
    def leaves(self) -> list[Clause]: ...


def kleene_all(values: Iterable[bool | None]) -> bool | None:
    result: bool | None = True
    for value in values:
        if value is False:
            return False
        if value is None:
            result = None
    return result


def kleene_any(values: Iterable[bool | None]) -> bool | None:
    result: bool | None = False
    for value in values:
        if value is True:
            return True
        if value is None:
            result = None
    return result


class Group(Node):
    def __init__(self, op: str, children: list[Node]) -> None:
        self.op = op
        self.children = children

    def needs(self) -> set[Need]:
        return set().union(*(c.needs() for c in self.children))

    def expr(self) -> pl.Expr:
        exprs = [c.expr() for c in self.children]
        result = exprs[0]
        for e in exprs[1:]:
            result = (result & e) if self.op == "all" else (result | e)
        return result

    def evaluate(self, facts: EnterpriseFacts) -> ClauseResult:
        parts = [c.evaluate(facts) for c in self.children]
        combine = kleene_all if self.op == "all" else kleene_any
        status = combine(p.status for p in parts)

        def render() -> str:
            joiner = _("; ") if self.op == "all" else _("; or ")
            return joiner.join(p.text for p in parts)

        return ClauseResult(status, render, {"parts": [p.values for p in parts]})

    def describe(self) -> str:
        inner = [c.describe() for c in self.children]
        if self.op == "all":
            return _("all of: %(parts)s") % {"parts": "；".join(inner)}
        return _("any of: %(parts)s") % {"parts": "；".join(inner)}

    def leaves(self) -> list[Clause]:
        return [leaf for c in self.children for leaf in c.leaves()]


class Not(Node):
    def __init__(self, child: Node) -> None:
        self.child = child

    def needs(self) -> set[Need]:
        return self.child.needs()

    def expr(self) -> pl.Expr:
        return ~self.child.expr()

    def evaluate(self, facts: EnterpriseFacts) -> ClauseResult:
        inner = self.child.evaluate(facts)
        status = None if inner.status is None else not inner.status
        return ClauseResult(
            status,
            lambda: _("not (%(inner)s)") % {"inner": inner.text},
            {"not": inner.values},
        )

    def describe(self) -> str:
        return _("not: %(inner)s") % {"inner": self.child.describe()}

    def leaves(self) -> list[Clause]:
        return self.child.leaves()


class Clause(Node):
    type = ""

    def leaves(self) -> list[Clause]:
        return [self]


def _strings(spec: dict[str, Any], key: str, where: str) -> list[str]:
    values = spec.get(key)
    if (
        not isinstance(values, list)
        or not values
        or not all(isinstance(v, str) and v for v in values)
    ):
        raise RuleError(
            _("%(where)s: “%(key)s” must be a non-empty list of codes.")
            % {"where": where, "key": key}
        )
    return [v.strip() for v in values]


def _number(spec: dict[str, Any], key: str, where: str) -> float:
    value = spec.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RuleError(_("%(where)s: “%(key)s” must be a number.") % {"where": where, "key": key})
    return float(value)


def _year(spec: dict[str, Any], key: str, where: str) -> int:
    value = spec.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not 1990 <= value <= 2100:
        raise RuleError(
            _("%(where)s: “%(key)s” must be a year such as 2025.") % {"where": where, "key": key}
        )
    return value


def _date(spec: dict[str, Any], key: str, where: str) -> dt.date:
    value = spec.get(key)
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise RuleError(
            _("%(where)s: “%(key)s” must be a date such as 2025-12-31.")
            % {"where": where, "key": key}
        ) from None


def _op(spec: dict[str, Any], where: str) -> str:
    op = spec.get("op", ">=")
    if op not in OPS:
        raise RuleError(_("%(where)s: the comparison must be one of ≥ > ≤ < =.") % {"where": where})
    return str(op)


def _field(spec: dict[str, Any], key: str, where: str, allowed: Iterable[str]) -> str:
    value = spec.get(key)
    if value not in allowed:
        raise RuleError(
            _("%(where)s: unknown fact “%(value)s”.") % {"where": where, "value": value}
        )
    return str(value)
