"""What the rows about enterprises this import creates write: with nothing stored to
compare against, their claims, yearly facts, effective figures, timeline events and
counts follow from the rows alone. They are computed here with Polars and COPYed
straight into their tables (the way a bulk load writes), not staged and merged row set
against row set as merge.py does for enterprises that exist. Both write what
profiles.apply_profile_rows writes (test_import_merge compares them)."""

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import polars as pl

from qinqing.enterprises.fields import PROFILE_FIELD_NAMES, YEAR_FIELDS
from qinqing.enterprises.models import YEAR_FACT_PRECEDENCE

YEAR_NAMES = [spec.name for spec in YEAR_FIELDS]
FIGURE_NAMES = ("employees", "revenue", "total_assets")


def copy_frame(cursor: Any, table: str, frame: pl.DataFrame) -> None:
    """COPY a frame into `table` (its columns by name), as CSV with NULL as \\N."""
    data = frame.write_csv(include_header=False, null_value="\\N", quote_style="non_numeric")
    columns = ", ".join(frame.columns)
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv, NULL '\\N')") as copy:
        copy.write(data.encode("utf-8"))


def new_claims(rows: pl.DataFrame) -> pl.DataFrame:
    """(row_no, uscc, source, field, value): the last row's value per enterprise, field
    and source, as the claims will hold it; row_no is the row that set it."""
    return (
        rows.unpivot(
            index=["row_no", "uscc", "source"],
            on=list(PROFILE_FIELD_NAMES),
            variable_name="field",
            value_name="value",
        )
        .drop_nulls("value")
        .sort("row_no")
        .unique(subset=["uscc", "field", "source"], keep="last", maintain_order=True)
    )


def reported() -> pl.Expr:
    """A row that reports yearly figures (a year and at least one figure)."""
    return pl.col("year").is_not_null() & pl.any_horizontal(pl.col(YEAR_NAMES).is_not_null())


@dataclass
class Fresh:
    events: pl.DataFrame  # enterprise_id, first_row, kind, data (JSON text)
    changed: int  # rows that wrote something (counted as created)
    unchanged: int


def write_new_enterprise_rows(
    cursor: Any,
    rows: pl.DataFrame,
    claims: pl.DataFrame,
    ids: dict[str, int],
    *,
    actor_id: int | None,
    as_of: dt.datetime,
) -> Fresh:
    """Write the claims, facts and figures of enterprises created in this transaction
    from their rows (`claims` from new_claims of the same rows); return their events (to
    be written with the others, in file order) and their counts."""
    key = pl.col("uscc").replace_strict(ids, return_dtype=pl.Int64).alias("enterprise_id")
    if rows.height == 0:
        return Fresh(_events(rows, claims, key), 0, 0)
    stamp = {"as_of": pl.lit(as_of.isoformat()), "by": pl.lit(actor_id, dtype=pl.Int64)}
    copy_frame(
        cursor,
        "enterprises_profileclaim",
        claims.select(
            key,
            "field",
            "value",
            "source",
            stamp["as_of"].alias("as_of"),
            stamp["by"].alias("recorded_by_id"),
        ),  # fmt: skip
    )
    facts = rows.filter(reported()).select(key, "year", "source", *YEAR_NAMES)
    copy_frame(
        cursor,
        "enterprises_yearfact",
        facts.with_columns(
            stamp["as_of"].alias("recorded_at"), stamp["by"].alias("recorded_by_id")
        ),
    )
    copy_frame(cursor, "enterprises_yearfigure", _figures(facts))
    changed_rows = claims["row_no"].to_list() + rows.filter(reported())["row_no"].to_list()
    changed = len(set(changed_rows))
    return Fresh(_events(rows, claims, key), changed, rows.height - changed)


def _figures(facts: pl.DataFrame) -> pl.DataFrame:
    """Each (enterprise, year)'s effective figures: each figure from the
    highest-precedence source that reports it (facts.resolve_year_facts' order)."""
    order = {str(source): i for i, source in enumerate(YEAR_FACT_PRECEDENCE)}
    rank = pl.col("source").replace_strict(order, default=len(order), return_dtype=pl.Int32)
    return (
        facts.with_columns(rank.alias("rank"))
        .sort("enterprise_id", "year", "rank", "source")
        .group_by("enterprise_id", "year", maintain_order=True)
        .agg(
            *[pl.col(name).drop_nulls().first() for name in FIGURE_NAMES],
            pl.col("source")
            .filter(pl.col("revenue").is_not_null())
            .first()
            .alias("revenue_source"),
        )
        .with_columns(pl.col("revenue_source").fill_null(""))
    )


def _events(rows: pl.DataFrame, claims: pl.DataFrame, key: pl.Expr) -> pl.DataFrame:
    """One profile_created event per enterprise, naming its fields and years (sorted as
    text), with the source of its last row."""
    changed = pl.concat(
        [
            claims.select("uscc", "field"),
            rows.filter(reported()).select("uscc", pl.col("year").cast(pl.String).alias("field")),
        ]
    )
    fields = changed.group_by("uscc").agg(pl.col("field").unique().sort())
    firms = rows.group_by("uscc").agg(
        pl.col("row_no").min().alias("first_row"), pl.col("source").sort_by("row_no").last()
    )
    table = firms.join(fields, on="uscc").sort("first_row")
    data = [
        json.dumps({"source": source, "fields": names}, ensure_ascii=False)
        for source, names in table.select("source", "field").iter_rows()
    ]
    return table.select(
        key, "first_row", pl.lit("profile_created").alias("kind"), pl.Series("data", data)
    )
