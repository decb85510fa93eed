"""Vocabulary shared by every rule module: fact fields, facts, needs, results, wording."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
