"""Enterprise facts for rules: one enterprise as `EnterpriseFacts`, many as a wide
Polars frame with exactly the columns compiled rules need. Reads the registry only
through qinqing.enterprises.facts (precedence resolved, missing kept as null)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import polars as pl
from django.db import connection, connections

from qinqing.enterprises.facts import (
    IdSlice,
    profile_frame,
    qualification_frame,
    resolve_year_facts,
    year_fact_rows,
)
from qinqing.policies.models import Disbursement
from qinqing.policies.rules import (
    FLAG_FIELDS,
    PROFILE_NUMBERS,
    YEAR_FIELDS,
    EnterpriseFacts,
    Need,
    shift_years,
)

PROFILE_COLUMNS = (
    "division_code",
    "industry_code",
    "size_class",
    "tax_credit_rating",
    "registered_on",
    *PROFILE_NUMBERS,
    *FLAG_FIELDS,
)
_BLANK_IS_MISSING = ("industry_code", "size_class", "tax_credit_rating", "division_code")


def _awards(
    enterprise_ids: Sequence[int] | None, pairs: Iterable[tuple[int, str]] | None = None
) -> pl.DataFrame:
    qs = Disbursement.objects.exclude(status=Disbursement.Status.CANCELLED)
    if enterprise_ids is not None:
        qs = qs.filter(enterprise_id__in=list(enterprise_ids))
    if pairs is not None:
        pairs = list(pairs)
        if not pairs:
            return pl.DataFrame(
                schema={"enterprise_id": pl.Int64, "item_id": pl.Int64, "period": pl.String}
            )
        qs = qs.filter(item_id__in={p[0] for p in pairs}, period__in={p[1] for p in pairs})
    rows = list(qs.values_list("enterprise_id", "item_id", "period"))
    return pl.DataFrame(
        rows,
        schema={"enterprise_id": pl.Int64, "item_id": pl.Int64, "period": pl.String},
        orient="row",
    )


def _profile(enterprise_ids: Sequence[int] | None, id_slice: IdSlice | None = None) -> pl.DataFrame:
    frame = profile_frame(enterprise_ids, id_slice=id_slice, fields=PROFILE_COLUMNS)
    return frame.select(
        pl.col("enterprise_id"),
        *[
            (
                pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c))
                if c in _BLANK_IS_MISSING
                else pl.col(c)
            ).alias(c)
            for c in PROFILE_COLUMNS
        ],
    )


def _parallel_ok() -> bool:
    """Other connections see the data only outside a transaction (and only a server
    database gains from concurrent reads)."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _in_thread(function: Callable[..., pl.DataFrame], *args: Any) -> pl.DataFrame:
    try:
        return function(*args)
    finally:
        connections.close_all()  # this thread's own connection


def _year_rows(
    enterprise_ids: Sequence[int] | None,
    years: Sequence[int] | None,
    fields: Sequence[str] = YEAR_FIELDS,
    id_slice: IdSlice | None = None,
) -> pl.DataFrame:
    """Every source's yearly rows; a full load reads one year per connection at once."""

    def read(ids: Sequence[int] | None, of: Sequence[int] | None) -> pl.DataFrame:
        return year_fact_rows(ids, of, id_slice=id_slice, fields=fields)

    if enterprise_ids is not None or not years or len(years) < 2 or not _parallel_ok():
        return read(enterprise_ids, years)
    with ThreadPoolExecutor(max_workers=min(3, len(years))) as pool:
        parts = list(pool.map(lambda y: _in_thread(read, None, [y]), years))
    return pl.concat(parts)


def resolved_year_facts(
    enterprise_ids: Sequence[int] | None,
    years: Sequence[int] | None,
    fields: Sequence[str] = YEAR_FIELDS,
    id_slice: IdSlice | None = None,
) -> pl.DataFrame:
    """enterprise_id, year and `fields` with the registry's precedence resolved, without
    the provenance columns matching does not need."""
    rows = _year_rows(enterprise_ids, years, fields, id_slice)
    return resolve_year_facts(rows, fields, with_sources=False)


def facts_for(enterprise_ids: Sequence[int]) -> dict[int, EnterpriseFacts]:
    """Facts of a few enterprises, for interactive answers and decision snapshots."""
    ids = list(enterprise_ids)
    result: dict[int, EnterpriseFacts] = {}
    for row in _profile(ids).iter_rows(named=True):
        result[row["enterprise_id"]] = EnterpriseFacts(**row)
    if not result:
        return result
    years = resolved_year_facts(ids, None)
    for row in years.iter_rows(named=True):
        facts = result.get(row.pop("enterprise_id"))
        if facts is not None:
            facts.years[row.pop("year")] = row
    for row in qualification_frame(ids).iter_rows():
        if row[0] in result:
            result[row[0]].qualifications.append((row[1], row[2], row[3]))
    for eid, item_id, period in _awards(ids).iter_rows():
        result[eid].awards.add((item_id, period))
    return result


def _frame_with_years(
    needs: set[Need], enterprise_ids: Sequence[int] | None, id_slice: IdSlice | None = None
) -> pl.DataFrame:
    """enterprise_id and one column per needed (year, fact): y2025_revenue, ..."""
    year_needs = [n for n in needs if n.kind == "year"]
    result = pl.DataFrame(schema={"enterprise_id": pl.Int64})
    if not year_needs:
        return result
    years = sorted({n.year for n in year_needs if n.year is not None})
    fields = sorted({n.name for n in year_needs})
    facts = resolved_year_facts(enterprise_ids, years, fields, id_slice)
    parts = []
    for year in years:
        wanted = sorted({n.name for n in year_needs if n.year == year})
        parts.append(
            facts.filter(pl.col("year") == year).select(
                "enterprise_id", *[pl.col(f).alias(f"y{year}_{f}") for f in wanted]
            )
        )
    result = parts[0]
    for part in parts[1:]:
        result = result.join(part, on="enterprise_id", how="full", coalesce=True)
    return result


def fact_frame(
    needs: Iterable[Need],
    enterprise_ids: Sequence[int] | None = None,
    *,
    id_slice: IdSlice | None = None,
) -> pl.DataFrame:
    """One row per enterprise (of `enterprise_ids`, of `id_slice`, or all), the columns
    `needs` names (missing facts are null)."""
    needs = set(needs)
    qual_needs = [n for n in needs if n.kind == "qual"]
    quals = None
    if enterprise_ids is None and _parallel_ok():
        # the profile and the qualifications load on their own connections meanwhile
        with ThreadPoolExecutor(max_workers=2) as pool:
            profile = pool.submit(_in_thread, _profile, None, id_slice)
            quals_future = (
                pool.submit(_in_thread, lambda: qualification_frame(id_slice=id_slice))
                if qual_needs
                else None
            )
            frame = _frame_with_years(needs, enterprise_ids, id_slice)
            frame = profile.result().join(frame, on="enterprise_id", how="left")
            quals = quals_future.result() if quals_future is not None else None
    else:
        frame = _profile(enterprise_ids, id_slice).join(
            _frame_with_years(needs, enterprise_ids, id_slice), on="enterprise_id", how="left"
        )
    if qual_needs:
        if quals is None:
            quals = qualification_frame(enterprise_ids, id_slice=id_slice)
        for need in qual_needs:
            assert need.on is not None
            # the same test as QualificationClause.held, over every record at once
            start_by = shift_years(need.on, -need.min_years)
            held = (
                quals.filter(
                    (pl.col("kind") == need.name)
                    & (pl.col("valid_from") <= start_by)
                    & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= need.on))
                )
                .select("enterprise_id")
                .unique()
                .with_columns(pl.lit(True).alias(need.column))
            )
            frame = frame.join(held, on="enterprise_id", how="left").with_columns(
                pl.col(need.column).fill_null(False)
            )
    award_needs = [n for n in needs if n.kind == "award"]
    if award_needs:
        awards = _awards(enterprise_ids, [(int(n.name), n.period) for n in award_needs])
        awarded = {
            (item_id, period): group["enterprise_id"]
            for (item_id, period), group in awards.group_by(["item_id", "period"])
        }
        # only pairs with awards get a column; absent award columns read as “not awarded”
        # (see matching.evaluate_frame), so a thousand items cost no thousand columns
        columns = [
            pl.col("enterprise_id").is_in(ids.implode()).alias(need.column)
            for need in award_needs
            if (ids := awarded.get((int(need.name), need.period))) is not None
        ]
        if columns:
            frame = frame.with_columns(columns)
    return frame
