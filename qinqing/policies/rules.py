"""Eligibility rules (申报条件): parse, evaluate one enterprise, compile to Polars.

A rule is a JSON tree (documented in docs/policy-rules.md):

    {"all": [node, ...]}  {"any": [node, ...]}  {"not": node}  {"type": "<clause>", ...}

Every clause has three outcomes: True (pass), False (fail), None (unknown: a fact it
needs is missing). Missing is never read as zero or false; all/any/not follow Kleene
logic, in Python (`evaluate`) and in Polars (`expr`, nullable booleans) alike. This
module does no database work: facts come in as `EnterpriseFacts` or as a wide frame
whose column names `Need.column` defines.
"""

from __future__ import annotations

import datetime as dt
import operator
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

YEAR_FIELDS = (
    "employees",
    "rd_staff",
    "revenue",
    "total_assets",
    "rd_spending",
    "tax_paid",
    "invention_patents",
    "utility_patents",
    "design_patents",
    "software_copyrights",
)
PROFILE_NUMBERS = ("registered_capital",)
FLAG_FIELDS = ("serious_dishonesty", "is_listed")

FIELD_LABELS: dict[str, Any] = {
    "employees": gettext_lazy("employees"),
    "rd_staff": gettext_lazy("R&D staff"),
    "revenue": gettext_lazy("revenue"),
    "total_assets": gettext_lazy("total assets"),
    "rd_spending": gettext_lazy("R&D spending"),
    "tax_paid": gettext_lazy("tax paid"),
    "invention_patents": gettext_lazy("invention patents"),
    "utility_patents": gettext_lazy("utility model patents"),
    "design_patents": gettext_lazy("design patents"),
    "software_copyrights": gettext_lazy("software copyrights"),
    "registered_capital": gettext_lazy("registered capital"),
    "serious_dishonesty": gettext_lazy("on the serious dishonesty list"),
    "is_listed": gettext_lazy("listed company"),
}
MONEY_FIELDS = {"revenue", "total_assets", "rd_spending", "tax_paid", "registered_capital"}

OPS: dict[str, Callable[[Any, Any], Any]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}
PRECISION = 6  # decimals kept before comparing, so 1150 ÷ 1000 − 1 is exactly 15%
OP_LABELS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}


class RuleError(ValueError):
    """A rule that cannot be used; the message (Chinese) names the place in the tree."""


# --- facts ------------------------------------------------------------------


@dataclass
class EnterpriseFacts:
    """Everything a rule may read about one enterprise (None: missing)."""

    enterprise_id: int
    division_code: str | None = None
    industry_code: str | None = None
    size_class: str | None = None
    tax_credit_rating: str | None = None
    registered_on: dt.date | None = None
    registered_capital: float | None = None
    serious_dishonesty: bool | None = None
    is_listed: bool | None = None
    years: dict[int, dict[str, float | None]] = field(default_factory=dict)
    qualifications: list[tuple[str, dt.date, dt.date | None]] = field(default_factory=list)
    awards: set[tuple[int, str]] = field(default_factory=set)

    def year_value(self, name: str, year: int | None) -> float | None:
        if name in PROFILE_NUMBERS:
            return self.registered_capital
        if year is None:
            return None
        return self.years.get(year, {}).get(name)


@dataclass(frozen=True)
class Need:
    """One fact column a compiled rule reads from the wide frame."""

    kind: str  # profile | year | qual | award
    name: str
    year: int | None = None
    on: dt.date | None = None
    min_years: int = 0
    period: str = ""

    @property
    def column(self) -> str:
        if self.kind == "year":
            return f"y{self.year}_{self.name}"
        if self.kind == "qual":
            assert self.on is not None
            return f"q_{self.name}_{self.on:%Y%m%d}_{self.min_years}"
        if self.kind == "award":
            return f"aw_{self.name}_{self.period}"
        return self.name


@dataclass
class ClauseResult:
    status: bool | None
    render: Callable[[], str]
    values: dict[str, Any]

    @property
    def text(self) -> str:
        return self.render()


# --- formatting -----------------------------------------------------------------


def fmt_number(value: float | None, name: str = "") -> str:
    if value is None:
        return _("missing")
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if name in MONEY_FIELDS:
        return _("%(amount)s ten-thousand yuan") % {"amount": text}
    return text


def fmt_percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


def year_label(year: int | None, name: str) -> str:
    return _("%(year)s %(what)s") % {"year": year, "what": label(name)}


def status_word(status: bool | None) -> str:
    return {True: _("pass"), False: _("fail"), None: _("unknown")}[status]


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


def _terms(spec: dict[str, Any], where: str) -> list[tuple[str, int | None, float]]:
    raw = spec.get("terms")
    if raw is None and "field" in spec:
        raw = [{"field": spec["field"], "year": spec.get("year"), "weight": 1}]
    if not isinstance(raw, list) or not raw:
        raise RuleError(_("%(where)s: give at least one fact.") % {"where": where})
    terms = []
    for i, term in enumerate(raw, start=1):
        here = _("%(where)s, fact %(n)s") % {"where": where, "n": i}
        if not isinstance(term, dict):
            raise RuleError(_("%(where)s: must be an object.") % {"where": here})
        name = _field(term, "field", here, YEAR_FIELDS + PROFILE_NUMBERS)
        year = None if name in PROFILE_NUMBERS else _year(term, "year", here)
        weight = float(term.get("weight", 1))
        if weight < 0:
            raise RuleError(_("%(where)s: weights cannot be negative.") % {"where": here})
        terms.append((name, year, weight))
    return terms


def _term_need(name: str, year: int | None) -> Need:
    return Need("profile", name) if year is None else Need("year", name, year)


class ThresholdClause(Clause):
    """A weighted sum of facts compared with a value (one fact: weight 1). Facts are
    non-negative, so a partly known sum that already reaches a lower bound passes and
    one that already exceeds an upper bound fails; otherwise a missing fact is unknown."""

    type = "threshold"

    def __init__(self, spec: dict[str, Any], where: str) -> None:
        self.terms = _terms(spec, where)
        self.op = _op(spec, where)
        self.value = _number(spec, "value", where)
        self.name = str(spec.get("label") or "")

    def needs(self) -> set[Need]:
        return {_term_need(n, y) for n, y, _w in self.terms}

    def expr(self) -> pl.Expr:
        cols = [pl.col(_term_need(n, y).column).cast(pl.Float64) * w for n, y, w in self.terms]
        known = cols[0].fill_null(0)
        for c in cols[1:]:
            known = known + c.fill_null(0)
        known = known.round(PRECISION)
        all_known = pl.lit(True)
        for c in cols:
            all_known = all_known & c.is_not_null()
        full = OPS[self.op](known, self.value)
        partial = pl.lit(None, dtype=pl.Boolean)
        if self.op in (">=", ">"):
            partial = pl.when(OPS[self.op](known, self.value)).then(True).otherwise(None)
        elif self.op in ("<=", "<"):
            partial = pl.when(OPS[self.op](known, self.value)).then(None).otherwise(False)
        return pl.when(all_known).then(full).otherwise(partial)

    def compute(self, facts: EnterpriseFacts) -> tuple[float, bool, list[float | None]]:
        values = [facts.year_value(n, y) for n, y, _w in self.terms]
        known = round(
            sum((v or 0) * w for v, (_n, _y, w) in zip(values, self.terms, strict=True)), PRECISION
        )
        return known, all(v is not None for v in values), values

    def evaluate(self, facts: EnterpriseFacts) -> ClauseResult:
        known, complete, values = self.compute(facts)
        passes = bool(OPS[self.op](known, self.value))
        status: bool | None
        if complete:
            status = passes
        elif self.op in (">=", ">"):
            status = True if passes else None
        elif self.op in ("<=", "<"):
            status = None if passes else False
        else:
            status = None
        single = len(self.terms) == 1 and self.terms[0][2] == 1

        def render() -> str:
            name, year, _w = self.terms[0]
            what = self.name or (label(name) if single else self.describe_sum())
            prefix = _("%(year)s: ") % {"year": year} if single and year else ""
            actual = fmt_number(known if complete else None, name if single else "")
            if not complete and not single:
                missing = "、".join(
                    label(n) for (n, _y, _w), v in zip(self.terms, values, strict=True) if v is None
                )
                actual = _("incomplete (missing: %(missing)s)") % {"missing": missing}
            return _(
                "%(prefix)s%(what)s is %(actual)s; required %(op)s %(required)s: %(status)s"
            ) % {
                "prefix": prefix,
                "what": what,
                "actual": actual,
                "op": OP_LABELS[self.op],
                "required": fmt_number(self.value, name if single else ""),
                "status": status_word(status),
            }

        return ClauseResult(
            status,
            render,
            {
                f"{n}{'' if y is None else '_' + str(y)}": v
                for (n, y, _w), v in zip(self.terms, values, strict=True)
            },
        )

    def describe_sum(self) -> str:
        parts = []
        for name, year, weight in self.terms:
            piece = year_label(year, name) if year else label(name)
            parts.append(piece if weight == 1 else f"{fmt_number(weight)}×{piece}")
        return " + ".join(parts)

    def describe(self) -> str:
        name = self.terms[0][0]
        single = len(self.terms) == 1 and self.terms[0][2] == 1
        return f"{self.name or self.describe_sum()} {OP_LABELS[self.op]} {fmt_number(self.value, name if single else '')}"


class RatioClause(Clause):
    """sum(numerator over years) ÷ sum(denominator over years), in percent, compared with
    `value`, or with the value of the first band whose `upto` (inclusive, null = no
    limit) is at least the denominator in `band_year` (revenue-banded thresholds)."""

    type = "ratio"

    def __init__(self, spec: dict[str, Any], where: str) -> None:
        self.numerator = _field(spec, "numerator", where, YEAR_FIELDS)
        self.denominator = _field(spec, "denominator", where, YEAR_FIELDS)
        years = spec.get("years")
        if years is None and "year" in spec:
            years = [spec["year"]]
        if not isinstance(years, list) or not years:
            raise RuleError(_("%(where)s: give the years.") % {"where": where})
        self.years = [_year({"y": y}, "y", where) for y in years]
        self.op = _op(spec, where)
        self.bands: list[tuple[float | None, float]] = []
        if spec.get("bands"):
            for i, band in enumerate(spec["bands"], start=1):
                here = _("%(where)s, band %(n)s") % {"where": where, "n": i}
                upto = band.get("upto")
                if upto is not None:
                    upto = _number(band, "upto", here)
                self.bands.append((upto, _number(band, "value", here)))
            if self.bands[-1][0] is not None:
                raise RuleError(
                    _("%(where)s: the last band must have no upper limit.") % {"where": where}
                )
            self.band_year = (
                _year(spec, "band_year", where) if "band_year" in spec else max(self.years)
            )
            self.value = None
        else:
            self.value = _number(spec, "value", where)
            self.band_year = max(self.years)

    def needs(self) -> set[Need]:
        needs = {Need("year", self.numerator, y) for y in self.years}
        needs |= {Need("year", self.denominator, y) for y in self.years}
        if self.bands:
            needs.add(Need("year", self.denominator, self.band_year))
        return needs

    def _sum_expr(self, name: str) -> pl.Expr:
        cols = [pl.col(Need("year", name, y).column).cast(pl.Float64) for y in self.years]
        total = cols[0]
        for c in cols[1:]:
            total = total + c  # null if any year is missing
        return total

    def _required_expr(self) -> pl.Expr:
        if not self.bands:
            return pl.lit(self.value)
        base = pl.col(Need("year", self.denominator, self.band_year).column).cast(pl.Float64)
        chain: Any = None
        for upto, value in self.bands:
            if upto is None:
                chain = pl.lit(value) if chain is None else chain.otherwise(value)
            else:
                chain = (pl.when(base <= upto) if chain is None else chain.when(base <= upto)).then(
                    value
                )
        return chain.cast(pl.Float64) if self.bands[0][0] is not None else chain

    def expr(self) -> pl.Expr:
        num, den = self._sum_expr(self.numerator), self._sum_expr(self.denominator)
        ratio = pl.when(den > 0).then((num * 100 / den).round(PRECISION)).otherwise(None)
        return OPS[self.op](ratio, self._required_expr())

    def required_for(self, band_value: float | None) -> float | None:
        if not self.bands:
            return self.value
        if band_value is None:
            return None
        for upto, value in self.bands:
            if upto is None or band_value <= upto:
                return value
        return None

    def evaluate(self, facts: EnterpriseFacts) -> ClauseResult:
        nums = [facts.year_value(self.numerator, y) for y in self.years]
        dens = [facts.year_value(self.denominator, y) for y in self.years]
        num = None if any(v is None for v in nums) else sum(nums)  # type: ignore[arg-type]
        den = None if any(v is None for v in dens) else sum(dens)  # type: ignore[arg-type]
        ratio = (
            None if num is None or den is None or den <= 0 else round(num * 100 / den, PRECISION)
        )
        required = self.required_for(facts.year_value(self.denominator, self.band_year))
        status = None if ratio is None or required is None else bool(OPS[self.op](ratio, required))

        def render() -> str:
            years = "–".join(str(y) for y in sorted({min(self.years), max(self.years)}))
            params = {
                "years": years,
                "num": label(self.numerator),
                "den": label(self.denominator),
                "actual": fmt_percent(ratio),
                "op": OP_LABELS[self.op],
                "required": fmt_percent(required),
            }
            if ratio is None:
                missing = [
                    year_label(y, n)
                    for n, vals in ((self.numerator, nums), (self.denominator, dens))
                    for y, v in zip(self.years, vals, strict=True)
                    if v is None
                ]
                params["missing"] = "、".join(missing) or _("the denominator is zero")
                return (
                    _(
                        "%(years)s %(num)s as a share of %(den)s cannot be computed (missing: %(missing)s)"
                    )
                    % params
                )
            if status:
                return (
                    _(
                        "%(years)s %(num)s is %(actual)s of %(den)s, meeting the required %(op)s %(required)s"
                    )
                    % params
                )
            if required is None:
                return (
                    _("%(years)s %(num)s is %(actual)s of %(den)s; the required share is unknown")
                    % params
                )
            return (
                _(
                    "%(years)s %(num)s is %(actual)s of %(den)s, short of the required %(op)s %(required)s"
                )
                % params
            )

        return ClauseResult(
            status,
            render,
            {
                "ratio": None if ratio is None else round(ratio, 4),
                "required": required,
                self.numerator: nums,
                self.denominator: dens,
            },
        )

    def describe(self) -> str:
        what = _("%(num)s ÷ %(den)s (%(years)s)") % {
            "num": label(self.numerator),
            "den": label(self.denominator),
            "years": "、".join(str(y) for y in self.years),
        }
        if not self.bands:
            return f"{what} {OP_LABELS[self.op]} {fmt_percent(self.value)}"
        parts = []
        for upto, value in self.bands:
            cond = _("above") if upto is None else f"≤ {fmt_number(upto, self.denominator)}"
            parts.append(f"{cond}: {OP_LABELS[self.op]} {fmt_percent(value)}")
        return _("%(what)s, by %(year)s %(den)s: %(bands)s") % {
            "what": what,
            "year": self.band_year,
            "den": label(self.denominator),
            "bands": "；".join(parts),
        }


class GrowthClause(Clause):
    """Growth of a fact in `year` over the year before, in percent; with span k the
    mean of the last k yearly ratios minus one (Hangzhou's 销售收入增长率 uses k=2)."""

    type = "growth"

    def __init__(self, spec: dict[str, Any], where: str) -> None:
        self.field = _field(spec, "field", where, YEAR_FIELDS)
        self.year = _year(spec, "year", where)
        self.span = int(spec.get("span") or 1)
        if not 1 <= self.span <= 5:
            raise RuleError(_("%(where)s: the span is 1 to 5 years.") % {"where": where})
        self.op = _op(spec, where)
        self.value = _number(spec, "value", where)
        self.pairs = [(self.year - i, self.year - i - 1) for i in range(self.span)]

    def needs(self) -> set[Need]:
        return {Need("year", self.field, y) for pair in self.pairs for y in pair}

    def expr(self) -> pl.Expr:
        ratios = []
        for cur, prev in self.pairs:
            c = pl.col(Need("year", self.field, cur).column).cast(pl.Float64)
            p = pl.col(Need("year", self.field, prev).column).cast(pl.Float64)
            ratios.append(pl.when(p > 0).then(c / p).otherwise(None))
        total = ratios[0]
        for r in ratios[1:]:
            total = total + r
        growth = ((total / len(ratios) - 1) * 100).round(PRECISION)
        return OPS[self.op](growth, self.value)

    def evaluate(self, facts: EnterpriseFacts) -> ClauseResult:
        ratios: list[float] = []
        missing: list[str] = []
        for cur, prev in self.pairs:
            c, p = facts.year_value(self.field, cur), facts.year_value(self.field, prev)
            if c is None:
                missing.append(year_label(cur, self.field))
            if p is None:
                missing.append(year_label(prev, self.field))
            if c is not None and p is not None and p > 0:
                ratios.append(c / p)
            elif p is not None and p <= 0:
                missing.append(_("%(year)s base is zero") % {"year": prev})
        growth = None if missing else round((sum(ratios) / len(ratios) - 1) * 100, PRECISION)
        status = None if growth is None else bool(OPS[self.op](growth, self.value))
        return ClauseResult(
            status,
            lambda: (
                _("%(year)s %(what)s growth cannot be computed (missing: %(missing)s)")
                % {
                    "year": self.year,
                    "what": label(self.field),
                    "missing": "、".join(sorted(set(missing))),
                }
                if growth is None
                else _(
                    "%(year)s %(what)s growth is %(actual)s; required %(op)s %(required)s: %(status)s"
                )
                % {
                    "year": self.year,
                    "what": label(self.field),
                    "actual": fmt_percent(growth),
                    "op": OP_LABELS[self.op],
                    "required": fmt_percent(self.value),
                    "status": status_word(status),
                }
            ),
            {"growth": None if growth is None else round(growth, 4)},
        )

    def describe(self) -> str:
        return _("%(year)s %(what)s growth %(op)s %(required)s") % {
            "year": self.year,
            "what": label(self.field),
            "op": OP_LABELS[self.op],
            "required": fmt_percent(self.value),
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


# --- benefits -------------------------------------------------------------------


@dataclass(frozen=True)
class Benefit:
    """How much an eligible enterprise gets, in 万元 (None for a non-monetary right)."""

    kind: str  # fixed | percent | tiers | right
    amount: float | None = None
    rate: float | None = None  # percent of the base
    cap: float | None = None
    base_field: str = ""
    base_year: int | None = None
    tiers: tuple[tuple[float, float], ...] = ()  # (minimum of the base, amount), ascending
    per_enterprise_cap: float | None = None

    def needs(self) -> set[Need]:
        if self.kind in ("percent", "tiers") and self.base_field:
            return {_term_need(self.base_field, self.base_year)}
        return set()

    def _limit(self, value: float | None) -> float | None:
        if value is None:
            return None
        for cap in (self.cap, self.per_enterprise_cap):
            if cap is not None:
                value = min(value, cap)
        return round(value, 2)

    def amount_for(self, facts: EnterpriseFacts) -> float | None:
        if self.kind == "fixed":
            return self._limit(self.amount)
        if self.kind == "right":
            return None
        base = facts.year_value(self.base_field, self.base_year)
        if base is None:
            return None
        if self.kind == "percent":
            return self._limit(base * (self.rate or 0) / 100)
        chosen = None
        for minimum, amount in self.tiers:
            if base >= minimum:
                chosen = amount
        return self._limit(chosen if chosen is not None else 0.0)

    def expr(self) -> pl.Expr:
        if self.kind == "fixed":
            value: pl.Expr = pl.lit(self.amount, dtype=pl.Float64)
        elif self.kind == "right" or not self.base_field:
            return pl.lit(None, dtype=pl.Float64)
        else:
            base = pl.col(_term_need(self.base_field, self.base_year).column).cast(pl.Float64)
            if self.kind == "percent":
                value = base * (self.rate or 0) / 100
            else:
                value = pl.lit(0.0)
                for minimum, amount in self.tiers:
                    value = pl.when(base >= minimum).then(amount).otherwise(value)
                value = pl.when(base.is_null()).then(None).otherwise(value)
        for cap in (self.cap, self.per_enterprise_cap):
            if cap is not None:
                value = pl.when(value.is_null()).then(None).otherwise(pl.min_horizontal(value, cap))
        return value.round(2)
