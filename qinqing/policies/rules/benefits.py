"""How much an eligible enterprise gets."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from qinqing.policies.rules.base import EnterpriseFacts, Need
from qinqing.policies.rules.numeric import _term_need

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
