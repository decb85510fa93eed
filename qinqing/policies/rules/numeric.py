"""Clauses over numbers: thresholds, ratios and growth, each evaluated and compiled to Polars."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from qinqing.policies.rules.base import (
    OP_LABELS,
    OPS,
    PRECISION,
    PROFILE_NUMBERS,
    YEAR_FIELDS,
    ClauseResult,
    EnterpriseFacts,
    Need,
    RuleError,
    fmt_number,
    fmt_percent,
    label,
    status_word,
    year_label,
)
from qinqing.policies.rules.nodes import Clause, _field, _number, _op, _year


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
