"""Clauses over codes, sets, qualifications, registration age, flags and past awards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from qinqing.policies.rules.base import (
    FLAG_FIELDS,
    OP_LABELS,
    ClauseResult,
    EnterpriseFacts,
    Need,
    RuleError,
    label,
    status_word,
)
from qinqing.policies.rules.nodes import Clause, _date, _field, _number, _op, _strings


class PrefixClause(Clause):
    """division_prefix / industry_prefix: the code starts with one of the prefixes."""

    def __init__(self, kind: str, spec: dict[str, Any], where: str) -> None:
        self.type = kind
        self.column = "division_code" if kind == "division_prefix" else "industry_code"
        self.prefixes = _strings(spec, "prefixes", where)

    def needs(self) -> set[Need]:
        return {Need("profile", self.column)}

    def expr(self) -> pl.Expr:
        col = pl.col(self.column)
        result = col.str.starts_with(self.prefixes[0])
        for prefix in self.prefixes[1:]:
            result = result | col.str.starts_with(prefix)
        return result

    def _what(self) -> str:
        return _("division code") if self.column == "division_code" else _("industry code")

    def evaluate(self, facts: EnterpriseFacts) -> ClauseResult:
        value = getattr(facts, self.column)
        status = None if not value else any(value.startswith(p) for p in self.prefixes)
        return ClauseResult(
            status,
            lambda: (
                _("%(what)s %(value)s (required to start with %(prefixes)s): %(status)s")
                % {
                    "what": self._what(),
                    "value": value or _("missing"),
                    "prefixes": "、".join(self.prefixes),
                    "status": status_word(status),
                }
            ),
            {self.column: value},
        )

    def describe(self) -> str:
        return _("%(what)s starts with %(prefixes)s") % {
            "what": self._what(),
            "prefixes": "、".join(self.prefixes),
        }


class InSetClause(Clause):
    """size_class_in / tax_credit_in: the value is one of `values`."""

    def __init__(self, kind: str, spec: dict[str, Any], where: str) -> None:
        self.type = kind
        self.column = "size_class" if kind == "size_class_in" else "tax_credit_rating"
        self.values = _strings(spec, "values", where)

    def needs(self) -> set[Need]:
        return {Need("profile", self.column)}

    def expr(self) -> pl.Expr:
        return pl.col(self.column).is_in(self.values)

    def _what(self) -> str:
        return _("size class") if self.column == "size_class" else _("tax credit rating")

    def evaluate(self, facts: EnterpriseFacts) -> ClauseResult:
        value = getattr(facts, self.column)
        status = None if not value else value in self.values
        return ClauseResult(
            status,
            lambda: (
                _("%(what)s is %(value)s (required: %(values)s): %(status)s")
                % {
                    "what": self._what(),
                    "value": value or _("missing"),
                    "values": "、".join(self.values),
                    "status": status_word(status),
                }
            ),
            {self.column: value},
        )

    def describe(self) -> str:
        return _("%(what)s is one of %(values)s") % {
            "what": self._what(),
            "values": "、".join(self.values),
        }


class QualificationClause(Clause):
    """The enterprise holds qualification `kind` on date `on` (and has held it for at
    least `min_years`). Qualification records are the issuing authority's list, so no
    record means not held (False), not unknown."""

    type = "qualification"

    def __init__(self, spec: dict[str, Any], where: str) -> None:
        kind = spec.get("kind")
        if not isinstance(kind, str) or not kind:
            raise RuleError(_("%(where)s: choose a qualification.") % {"where": where})
        self.kind = kind
        self.on = _date(spec, "on", where)
        self.min_years = int(spec.get("min_years") or 0)
        self.need = Need("qual", kind, on=self.on, min_years=self.min_years)

    def needs(self) -> set[Need]:
        return {self.need}

    def expr(self) -> pl.Expr:
        return pl.col(self.need.column)

    def held(self, quals: Iterable[tuple[str, dt.date, dt.date | None]]) -> bool:
        since = shift_years(self.on, -self.min_years)
        return any(
            kind == self.kind and start <= since and (end is None or end >= self.on)
            for kind, start, end in quals
        )

    def evaluate(self, facts: EnterpriseFacts) -> ClauseResult:
        status = self.held(facts.qualifications)
        return ClauseResult(
            status,
            lambda: (
                (
                    _("holds qualification %(kind)s on %(on)s")
                    if status
                    else _("does not hold qualification %(kind)s on %(on)s")
                )
                % {"kind": qualification_label(self.kind), "on": self.on.isoformat()}
            ),
            {"qualification": self.kind, "held": status},
        )

    def describe(self) -> str:
        text = _("holds qualification %(kind)s on %(on)s") % {
            "kind": qualification_label(self.kind),
            "on": self.on.isoformat(),
        }
        if self.min_years:
            text += _(" for at least %(n)s years") % {"n": self.min_years}
        return text


def qualification_label(kind: str) -> str:
    from qinqing.enterprises.models import QualificationKind

    try:
        return str(QualificationKind(kind).label)
    except ValueError:
        return kind


def shift_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class RegistrationAgeClause(Clause):
    """Registered for `years` whole years on date `on` (op ≥ > ≤ <): an exact date
    comparison against on − years."""

    type = "registration_age"

    def __init__(self, spec: dict[str, Any], where: str) -> None:
        self.on = _date(spec, "on", where)
        self.years = int(_number(spec, "years", where))
        self.op = _op(spec, where)
        if self.op == "==":
            raise RuleError(_("%(where)s: registration age needs ≥ > ≤ or <.") % {"where": where})
        self.pivot = shift_years(self.on, -self.years)

    def needs(self) -> set[Need]:
        return {Need("profile", "registered_on")}

    def _test(self, registered: Any) -> Any:
        # age >= N  <=> registered_on <= on - N years, and so on
        return {
            ">=": registered <= self.pivot,
            ">": registered < self.pivot,
            "<=": registered >= self.pivot,
            "<": registered > self.pivot,
        }[self.op]

    def expr(self) -> pl.Expr:
        return self._test(pl.col("registered_on"))

    def evaluate(self, facts: EnterpriseFacts) -> ClauseResult:
        registered = facts.registered_on
        status = None if registered is None else bool(self._test(registered))
        return ClauseResult(
            status,
            lambda: (
                _(
                    "registered on %(date)s; required: registered %(op)s %(years)s years on %(on)s: %(status)s"
                )
                % {
                    "date": registered.isoformat() if registered else _("missing"),
                    "op": OP_LABELS[self.op],
                    "years": self.years,
                    "on": self.on.isoformat(),
                    "status": status_word(status),
                }
            ),
            {"registered_on": registered.isoformat() if registered else None},
        )

    def describe(self) -> str:
        return _("registered %(op)s %(years)s years on %(on)s") % {
            "op": OP_LABELS[self.op],
            "years": self.years,
            "on": self.on.isoformat(),
        }


class FlagClause(Clause):
    """A yes/no fact of the profile must equal `value` (e.g. serious_dishonesty false)."""

    type = "flag"

    def __init__(self, spec: dict[str, Any], where: str) -> None:
        self.field = _field(spec, "field", where, FLAG_FIELDS)
        value = spec.get("value", False)
        if not isinstance(value, bool):
            raise RuleError(_("%(where)s: “value” must be true or false.") % {"where": where})
        self.value = value

    def needs(self) -> set[Need]:
        return {Need("profile", self.field)}

    def expr(self) -> pl.Expr:
        return pl.col(self.field) == self.value

    def evaluate(self, facts: EnterpriseFacts) -> ClauseResult:
        actual = getattr(facts, self.field)
        status = None if actual is None else actual == self.value
        return ClauseResult(
            status,
            lambda: (
                _("%(what)s: %(actual)s (required: %(required)s): %(status)s")
                % {
                    "what": label(self.field),
                    "actual": _("missing") if actual is None else (_("yes") if actual else _("no")),
                    "required": _("yes") if self.value else _("no"),
                    "status": status_word(status),
                }
            ),
            {self.field: actual},
        )

    def describe(self) -> str:
        return _("%(what)s: %(required)s") % {
            "what": label(self.field),
            "required": _("yes") if self.value else _("no"),
        }


class NotAwardedClause(Clause):
    """Exclusion: no (uncancelled) disbursement of item `item` (None: the rule's own
    item, bound at compile time) for `period`."""

    type = "not_awarded"

    def __init__(self, spec: dict[str, Any], where: str, own_item: int | None) -> None:
        item = spec.get("item")
        if item is None:
            item = own_item
        if not isinstance(item, int):
            raise RuleError(_("%(where)s: name the policy item (its number).") % {"where": where})
        self.item = item
        period = spec.get("period")
        if not isinstance(period, str | int) or not str(period).strip():
            raise RuleError(_("%(where)s: give the period, e.g. 2025.") % {"where": where})
        self.period = str(period).strip()
        self.need = Need("award", str(item), period=self.period)

    def needs(self) -> set[Need]:
        return {self.need}

    def expr(self) -> pl.Expr:
        return ~pl.col(self.need.column)

    def evaluate(self, facts: EnterpriseFacts) -> ClauseResult:
        awarded = (self.item, self.period) in facts.awards
        return ClauseResult(
            not awarded,
            lambda: (
                (
                    _("already awarded policy item %(item)s for %(period)s")
                    if awarded
                    else _("not yet awarded policy item %(item)s for %(period)s")
                )
                % {"item": self.item, "period": self.period}
            ),
            {"awarded": awarded},
        )

    def describe(self) -> str:
        return _("not already awarded policy item %(item)s for %(period)s") % {
            "item": self.item,
            "period": self.period,
        }
