"""Column-wise checks for the profile import: the same acceptance as the per-row
`fields` parsers, computed over whole columns with Polars.

Each column is split three ways: cells whose canonical form a vectorised pattern gives
directly (the bulk of a real file), cells whose value a Python parser decides once per
distinct value (codes, dates, anything unusual), and blank cells. The result tells, per
row, whether every cell passed; rows that did not are re-checked one by one by the
importer's row validator, so an error report is word for word what it was. Pure: no ORM.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from qinqing.enterprises.fields import FieldError

# GB 32100-2015: 统一社会信用代码 alphabet and the weights of the 17 body characters
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_PATTERN = r"^[0-9]{8}[0-9A-HJ-NP-RTUWXY]{10}$"
_CHAR_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}


def uscc_valid(code: pl.Expr) -> pl.Expr:
    """True where `code` is an 18-character code in canonical form (upper case, no
    separators) whose check character is right; the vectorised GB 32100 check."""
    total = pl.lit(0, dtype=pl.Int64)
    for position, weight in enumerate(USCC_WEIGHTS):
        value = (
            code.str.slice(position, 1)
            .replace_strict(_CHAR_VALUE, default=0, return_dtype=pl.Int64)
        )  # fmt: skip
        total = total + value * weight
    check = ((31 - total % 31) % 31).replace_strict(
        dict(enumerate(USCC_ALPHABET)), return_dtype=pl.String
    )
    shaped = code.str.contains(_USCC_PATTERN).fill_null(False)
    return shaped & (code.str.slice(17, 1) == check).fill_null(False)


# Patterns whose canonical value needs no Python: the parsers return these unchanged
# (or, for money, padded to two decimals).
_PLAIN_TEXT = (
    r"^[^\s\x00-\x1f\x7f-\x9f\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+$"
)
_COUNT = r"^(0|[1-9][0-9]{0,8})$"
_MONEY = r"^(0|[1-9][0-9]{0,13})(\.[0-9]{1,2})?$"
_PHONE = r"^[0-9-]{1,30}$"


def fast_text(limit: int) -> Callable[[pl.Expr], tuple[pl.Expr, pl.Expr]]:
    def fast(cell: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
        return cell.str.contains(_PLAIN_TEXT) & (cell.str.len_chars() <= limit), cell

    return fast


def fast_pattern(pattern: str) -> Callable[[pl.Expr], tuple[pl.Expr, pl.Expr]]:
    def fast(cell: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
        return cell.str.contains(pattern), cell

    return fast


def fast_money(cell: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    decimals = cell.str.split(".").list.get(1, null_on_oob=True).str.len_chars().fill_null(0)
    canonical = (
        pl.when(decimals == 0)
        .then(cell + ".00")
        .when(decimals == 1)
        .then(cell + "0")
        .otherwise(cell)
    )
    return cell.str.contains(_MONEY), canonical


@dataclass
class Column:
    """One column's canonical values (null: blank or refused) and acceptance."""

    values: pl.Series
    ok: pl.Series  # blank or accepted


def check_column(
    cells: pl.Series,
    parse: Callable[[str], str],
    fast: Callable[[pl.Expr], tuple[pl.Expr, pl.Expr]] | None = None,
) -> Column:
    """Canonical values of a column of stripped cell texts, as `parse` gives them."""
    frame = pl.DataFrame({"cell": cells})
    cell = pl.col("cell")
    if fast is not None:
        matched, canonical = fast(cell)
        frame = frame.with_columns(
            matched.fill_null(False).alias("quick"), canonical.alias("canonical")
        )
    else:
        frame = frame.with_columns(
            pl.lit(False).alias("quick"), pl.lit(None, dtype=pl.String).alias("canonical")
        )
    blank = cell == ""
    slow = frame.filter(~pl.col("quick") & ~blank)["cell"].unique()
    decided: dict[str, str | None] = {}
    for value in slow.to_list():
        try:
            decided[value] = parse(value)
        except FieldError:
            decided[value] = None
    looked_up = (
        cell.replace_strict(decided, default=None, return_dtype=pl.String)
        if decided
        else pl.lit(None, dtype=pl.String)
    )
    result = frame.select(
        pl.when(blank)
        .then(None)
        .when(pl.col("quick"))
        .then(pl.col("canonical"))
        .otherwise(looked_up)
        .alias("value"),
        (blank | pl.col("quick") | looked_up.is_not_null()).alias("ok"),
    )
    return Column(result["value"], result["ok"])
