"""Effective enterprise facts for batch work (policy matching, warnings, analytics).

Several sources may report the same yearly figure; the effective value of each field is
the value of the first source in YEAR_FACT_PRECEDENCE that has one (NULL stays NULL:
missing is never zero). The frames carry, per field, the source that won, so a decision
can say where a number came from."""

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from qinqing.enterprises.models import YEAR_FACT_PRECEDENCE, YearFact
from qinqing.lib.frames import query_frame

YEAR_FIELDS: tuple[str, ...] = YearFact.NUMERIC_FIELDS
_INT_FIELDS = {
    "employees",
    "rd_staff",
    "invention_patents",
    "utility_patents",
    "design_patents",
    "software_copyrights",
}


@dataclass(frozen=True)
class IdSlice:
    """The enterprises with `low` <= id < `high` and, for one shard of a batch split
    `shards` ways, whose bucket (id // `bucket`) is `shard` modulo `shards`: how batch
    work (policy matching) reads the registry a slice at a time."""

    low: int
    high: int
    bucket: int = 1
    shards: int = 1
    shard: int = 0

    def sql(self, column: str) -> tuple[str, list[int]]:
        where = f" AND {column} >= %s AND {column} < %s"
        params = [self.low, self.high]
        if self.shards > 1:
            where += f" AND mod({column} / %s, %s) = %s"
            params += [self.bucket, self.shards, self.shard]
        return where, params


def _id_filter(
    column: str, ids: Sequence[int] | None, id_slice: IdSlice | None = None
) -> tuple[str, list[int]]:
    where, params = id_slice.sql(column) if id_slice is not None else ("", [])
    if ids is None:
        return where, params
    if not ids:
        return " AND 1=0", []
    return where + f" AND {column} IN ({', '.join(['%s'] * len(ids))})", params + list(ids)


def year_fact_rows(
    enterprise_ids: Sequence[int] | None = None,
    years: Sequence[int] | None = None,
    *,
    id_slice: IdSlice | None = None,
    fields: Sequence[str] = YEAR_FIELDS,
) -> pl.DataFrame:
    """Every source's row: enterprise_id, year, source, the numeric `fields`."""
    where, params = _id_filter("enterprise_id", enterprise_ids, id_slice)
    if years is not None:
        year_where, year_params = _id_filter("year", list(years))
        where += year_where
        params += year_params
    fields = [f for f in YEAR_FIELDS if f in fields]
    columns = "".join(f", {f}" for f in fields)
    sql = f"SELECT enterprise_id, year, source{columns} FROM enterprises_yearfact WHERE 1=1{where}"  # noqa: S608
    schema: dict[str, pl.DataType] = {
        "enterprise_id": pl.Int64(),
        "year": pl.Int32(),
        "source": pl.String(),
    }
    schema.update({f: pl.Int64() if f in _INT_FIELDS else pl.Float64() for f in fields})
    return query_frame(sql, params, schema)


def resolve_year_facts(
    rows: pl.DataFrame, fields: Sequence[str] = YEAR_FIELDS, *, with_sources: bool = True
) -> pl.DataFrame:
    """One row per (enterprise_id, year), in no particular order: each of `fields` from
    the highest-precedence source that has it, plus `<field>_source` when `with_sources`.

    One full join per source present, then a coalesce in precedence order: on millions
    of rows much faster than a per-field group-by."""
    keys = ["enterprise_id", "year"]
    present = set(rows["source"].unique().to_list())
    order = [str(s) for s in YEAR_FACT_PRECEDENCE if str(s) in present]
    order += sorted(present - set(order))  # unknown sources rank last
    merged = rows.select(*keys).clear()
    for i, source in enumerate(order):
        part = rows.filter(pl.col("source") == source).select(
            *keys, *[pl.col(f).alias(f"{f}__{i}") for f in fields]
        )
        merged = part if i == 0 else merged.join(part, on=keys, how="full", coalesce=True)
    columns = [pl.coalesce([f"{f}__{i}" for i in range(len(order))]).alias(f) for f in fields]
    if not order:
        columns = [pl.lit(None, dtype=rows.schema[f]).alias(f) for f in fields]
    if with_sources:
        columns += [
            pl.coalesce(
                [
                    pl.when(pl.col(f"{f}__{i}").is_not_null()).then(pl.lit(source))
                    for i, source in enumerate(order)
                ]
                or [pl.lit(None, dtype=pl.String)]
            ).alias(f"{f}_source")
            for f in fields
        ]
    return merged.select(*keys, *columns)


def effective_year_facts(
    enterprise_ids: Sequence[int] | None = None, years: Sequence[int] | None = None
) -> pl.DataFrame:
    return resolve_year_facts(year_fact_rows(enterprise_ids, years)).sort(["enterprise_id", "year"])


_PROFILE = {  # column -> (SQL, type)
    "enterprise_id": ("e.id", pl.Int64()),
    "uscc": ("e.uscc", pl.String()),
    "name": ("e.name", pl.String()),
    "industry_code": ("e.industry_code", pl.String()),
    "registered_on": ("e.registered_on", pl.Date()),
    "registered_capital": ("e.registered_capital", pl.Float64()),
    "tax_credit_rating": ("e.tax_credit_rating", pl.String()),
    "is_listed": ("e.is_listed", pl.Boolean()),
    "serious_dishonesty": ("e.serious_dishonesty", pl.Boolean()),
    "size_class": ("e.size_class", pl.String()),
    "division_code": ("o.code", pl.String()),
    "division_path": ("o.path", pl.String()),
}


def profile_frame(
    enterprise_ids: Sequence[int] | None = None,
    *,
    id_slice: IdSlice | None = None,
    fields: Sequence[str] | None = None,
) -> pl.DataFrame:
    """One row per enterprise with the resolved profile and the division's code and path
    (or only enterprise_id and `fields`)."""
    where, params = _id_filter("e.id", enterprise_ids, id_slice)
    names = [n for n in _PROFILE if fields is None or n == "enterprise_id" or n in fields]
    division = any(n.startswith("division_") for n in names)
    sql = (
        f"SELECT {', '.join(f'{_PROFILE[n][0]} AS {n}' for n in names)} "  # noqa: S608
        "FROM enterprises_enterprise e "
        + ("LEFT JOIN accounts_organisation o ON o.id = e.division_id " if division else "")
        + f"WHERE 1=1{where}"
    )
    return query_frame(sql, params, {n: _PROFILE[n][1] for n in names})


def enterprise_id_bounds() -> tuple[int, int] | None:
    """(lowest, highest) enterprise id, or None without enterprises."""
    frame = query_frame(
        "SELECT min(id) AS low, max(id) AS high FROM enterprises_enterprise",
        [],
        {"low": pl.Int64(), "high": pl.Int64()},
    )
    low, high = frame.row(0) if frame.height else (None, None)
    return None if low is None or high is None else (int(low), int(high))


def qualification_frame(
    enterprise_ids: Sequence[int] | None = None, *, id_slice: IdSlice | None = None
) -> pl.DataFrame:
    """Every qualification record: enterprise_id, kind, valid_from, valid_to (NULL: open)."""
    where, params = _id_filter("enterprise_id", enterprise_ids, id_slice)
    sql = f"SELECT enterprise_id, kind, valid_from, valid_to FROM enterprises_qualification WHERE 1=1{where}"  # noqa: S608
    schema = {
        "enterprise_id": pl.Int64(),
        "kind": pl.String(),
        "valid_from": pl.Date(),
        "valid_to": pl.Date(),
    }
    return query_frame(sql, params, schema)
