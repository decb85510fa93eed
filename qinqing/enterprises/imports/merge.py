"""The profile import's write on PostgreSQL, set-based: the checked rows (a frame of
profile_rows.ROW_SCHEMA) are COPYed into a staging table and merged with a handful of
statements (INSERT ... ON CONFLICT ... RETURNING, UPDATE ... FROM) instead of Python
loops over rows. It writes what profiles.apply_profile_rows writes (the path on every
other database and for forms and the API): the same enterprises, claims, yearly facts,
effective figures, size classes, timeline events and counts; test_import_merge runs
both on the same files and compares every table.

Order within one transaction: lock the enterprises that exist (id order, as the
services do); insert the new ones already resolved and classified (one write per new
enterprise) and COPY what their rows write (fresh.py: nothing stored to compare with);
stage the rows about enterprises that existed with their ids; upsert the claims and
yearly facts that changed (RETURNING says which); re-resolve the profiles and figures
those changes touch; reclassify; write one event per enterprise that changed, in the
order the enterprises first appear in the file."""

import datetime as dt
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from qinqing.enterprises import hooks
from qinqing.enterprises.bulk import update_values
from qinqing.enterprises.fields import PROFILE_FIELD_NAMES, YEAR_BY_NAME, parse_count
from qinqing.enterprises.imports.fresh import (
    YEAR_NAMES,
    Fresh,
    copy_frame,
    new_claims,
    reported,
    write_new_enterprise_rows,
)
from qinqing.enterprises.models import (
    PROFILE_PRECEDENCE,
    YEAR_FACT_PRECEDENCE,
    Enterprise,
)
from qinqing.enterprises.profiles import PRECEDENCE_RANK, Counts
from qinqing.enterprises.sizeclass import size_class_expr

MERGE_CHUNK = 50_000  # rows per transaction

_YEAR_NAMES = YEAR_NAMES
_TEXT_FIELDS = [
    "name", "legal_form", "address", "industry_code", "tax_credit_rating",
    "contact_name", "contact_phone",
]  # fmt: skip
_STAGED = ["temp_imp_rows", "temp_imp_new", "temp_imp_claims", "temp_imp_claims_changed",
           "temp_imp_years_changed", "temp_imp_profiles", "temp_imp_fresh_events"]  # fmt: skip


def _rank_sql(column: str, order: list[Any]) -> str:
    cases = " ".join(f"WHEN '{source}' THEN {i}" for i, source in enumerate(order))
    return f"CASE {column} {cases} ELSE {len(order)} END"


def merge_profile_frame(frame: pl.DataFrame, *, actor: Any, as_of: dt.datetime) -> Counts:
    """Write one chunk of checked profile rows (file order) in one transaction."""
    actor_id = getattr(actor, "pk", None)
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            if outermost:
                # This commit need not wait for its WAL flush: the job is marked done
                # by a later, synchronous commit that flushes this one too; if the
                # server dies before that, the job's lease runs out and the retry
                # writes what was lost.
                cursor.execute("SET LOCAL synchronous_commit TO off")
            ids = _lock_existing(cursor, frame["uscc"].unique().to_list())
            new_rows = frame.filter(~pl.col("uscc").is_in(list(ids)))
            claims = new_claims(new_rows)
            created = sorted(_create_enterprises(cursor, new_rows, claims, ids, now=as_of))
            fresh = write_new_enterprise_rows(
                cursor,
                new_rows.filter(pl.col("uscc").is_in(created)),
                claims.filter(pl.col("uscc").is_in(created)),
                ids,
                actor_id=actor_id,
                as_of=as_of,
            )
            counts = Counts(created=fresh.changed, unchanged=fresh.unchanged)
            existing = frame.filter(~pl.col("uscc").is_in(created))
            if existing.height:
                _stage(cursor, existing, ids)
                _merge_claims(cursor, as_of=as_of, actor_id=actor_id)
                _merge_year_facts(cursor, as_of=as_of, actor_id=actor_id)
                industry_changed = _resolve_profiles(cursor, now=as_of)
                _refresh_figures(cursor)
                _refresh_size_classes(cursor, industry_changed)
                counts.add(_counts(cursor))
            changed_ids = _write_events(
                cursor, fresh, merged=existing.height > 0, actor_id=actor_id
            )
            cursor.execute(f"DROP TABLE IF EXISTS {', '.join(_STAGED)}")
        hooks.facts_changed(changed_ids)
    return counts


def _lock_existing(cursor: Any, usccs: list[str]) -> dict[str, int]:
    cursor.execute(
        "SELECT uscc, id FROM enterprises_enterprise WHERE uscc = ANY(%s) ORDER BY id FOR UPDATE",
        [usccs],
    )
    return dict(cursor.fetchall())


# --- new enterprises ---------------------------------------------------------------


def _create_enterprises(
    cursor: Any,
    rows: pl.DataFrame,
    claims: pl.DataFrame,
    ids: dict[str, int],
    *,
    now: dt.datetime,
) -> set[str]:
    """Insert the enterprises `rows` name (none of them existed when locked), with
    their profile resolved from `claims` (new_claims of the rows) and their size class
    from the rows' latest figures (so each is written once). Adds their ids to `ids`;
    returns their codes (one created concurrently by someone else counts as existing,
    and is locked)."""
    if rows.height == 0:
        return set()
    profiles = _new_profiles(rows, claims)
    figures = _latest_new_figures(rows)
    table = profiles.join(figures, on="uscc", how="left")
    codes = table["division"].drop_nulls().unique().to_list()
    cursor.execute(
        "SELECT code, id FROM accounts_organisation WHERE kind = 'division' AND code = ANY(%s)",
        [codes],
    )
    divisions = dict(cursor.fetchall())
    industries = table["industry_code"].unique().to_list()
    size = size_class_expr(
        pl.col("industry_code"),
        {name: pl.col(name) for name in ("employees", "revenue", "total_assets")},
        industries,
    )
    table = (
        table.with_columns(size.alias("size_class"))
        .with_columns(
            pl.col("division")
            .replace_strict(divisions, default=None, return_dtype=pl.Int64)
            .alias("division_id"),
            pl.when(pl.col("size_class") != "").then(pl.col("year")).alias("size_basis_year"),
        )
        .sort("uscc")
    )
    names = [*_TEXT_FIELDS, "registered_on", "registered_capital", "is_listed",
             "serious_dishonesty", "division_id", "size_class", "size_basis_year"]  # fmt: skip
    cursor.execute(
        "CREATE TEMP TABLE temp_imp_new (uscc text, "
        + ", ".join(f"{n} text" for n in names[:-2])
        + ", size_class text, size_basis_year integer) ON COMMIT DROP"  # fmt: skip
    )
    copy_frame(cursor, "temp_imp_new", table.select("uscc", *names))
    cursor.execute(
        f"""
        INSERT INTO enterprises_enterprise (created_at, updated_at, uscc, {", ".join(_TEXT_FIELDS)},
            registered_on, registered_capital, is_listed, serious_dishonesty, division_id,
            size_class, size_basis_year)
        SELECT %s, %s, uscc, {", ".join(_TEXT_FIELDS)}, registered_on::date,
            registered_capital::numeric, is_listed = '1', serious_dishonesty = '1',
            division_id::bigint, size_class, size_basis_year
        FROM temp_imp_new ORDER BY uscc
        ON CONFLICT (uscc) DO NOTHING
        RETURNING uscc, id
        """,  # noqa: S608
        [now, now],
    )
    inserted = dict(cursor.fetchall())
    ids.update(inserted)
    raced = sorted(set(table["uscc"].to_list()) - set(inserted))
    if raced:
        ids.update(_lock_existing(cursor, raced))
    return set(inserted)


def _new_profiles(rows: pl.DataFrame, claims: pl.DataFrame) -> pl.DataFrame:
    """One row per new enterprise: each profile field from the highest-precedence
    source that claims it (text; blank text fields "", the others null)."""
    rank = pl.col("source").replace_strict(PRECEDENCE_RANK, default=99, return_dtype=pl.Int32)
    winners = (
        claims.with_columns(rank.alias("rank"))
        .sort("uscc", "field", "rank", "value")
        .unique(subset=["uscc", "field"], keep="first")
    )
    wide = (
        rows.select("uscc")
        .unique()
        .join(winners.pivot(on="field", index="uscc", values="value"), on="uscc", how="left")
    )
    missing = [name for name in PROFILE_FIELD_NAMES if name not in wide.columns]
    wide = wide.with_columns(pl.lit(None, dtype=pl.String).alias(name) for name in missing)
    return wide.with_columns(pl.col(_TEXT_FIELDS).fill_null(""))


def _latest_new_figures(rows: pl.DataFrame) -> pl.DataFrame:
    """(uscc, year, employees, revenue, total_assets) of each new enterprise's latest
    reported year, each figure from the highest-precedence source (for its size class)."""
    order = {str(source): i for i, source in enumerate(YEAR_FACT_PRECEDENCE)}
    figures = rows.filter(reported())
    numeric = {
        name: pl.col(name).cast(pl.Int64 if YEAR_BY_NAME[name].parse is parse_count else pl.Float64)
        for name in ("employees", "revenue", "total_assets")
    }
    return (
        figures.with_columns(
            pl.col("source")
            .replace_strict(order, default=len(order), return_dtype=pl.Int32)
            .alias("rank"),
            *[expr.alias(name) for name, expr in numeric.items()],
        )
        .sort("uscc", "year", "rank", "source")
        .group_by("uscc", "year")
        .agg(pl.col(name).drop_nulls().first() for name in numeric)
        .sort("uscc", "year")
        .unique(subset=["uscc"], keep="last")
    )


# --- staging and merging -----------------------------------------------------------


def _stage(cursor: Any, frame: pl.DataFrame, ids: dict[str, int]) -> None:
    """temp_imp_rows: the rows about enterprises that existed, with their ids."""
    keyed = frame.with_columns(
        pl.col("uscc").replace_strict(ids, return_dtype=pl.Int64).alias("enterprise_id")
    )
    values = ", ".join(f"{name} text" for name in (*PROFILE_FIELD_NAMES, *_YEAR_NAMES))
    cursor.execute(
        "CREATE TEMP TABLE temp_imp_rows (row_no integer, enterprise_id bigint, "
        f"source text, year integer, {values}) ON COMMIT DROP"
    )
    copy_frame(
        cursor,
        "temp_imp_rows",
        keyed.select(
            "row_no", "enterprise_id", "source", "year", *PROFILE_FIELD_NAMES, *_YEAR_NAMES
        ),
    )
    # the planner needs the sizes and the join keys, not the value columns
    cursor.execute("ANALYZE temp_imp_rows (enterprise_id, source, year)")


def _merge_claims(cursor: Any, *, as_of: dt.datetime, actor_id: int | None) -> None:
    """Upsert the claims whose value is new or different; temp_imp_claims_changed holds
    (enterprise, field, the row that set it)."""
    pairs = ", ".join(f"('{name}', r.{name})" for name in PROFILE_FIELD_NAMES)
    cursor.execute(
        f"""
        CREATE TEMP TABLE temp_imp_claims ON COMMIT DROP AS
        SELECT DISTINCT ON (r.enterprise_id, v.field, r.source)
            r.enterprise_id, v.field, v.value, r.source, r.row_no
        FROM temp_imp_rows r CROSS JOIN LATERAL (VALUES {pairs}) AS v(field, value)
        WHERE v.value IS NOT NULL
        ORDER BY r.enterprise_id, v.field, r.source, r.row_no DESC
        """  # noqa: S608
    )
    cursor.execute(
        "CREATE TEMP TABLE temp_imp_claims_changed (enterprise_id bigint, field text, "
        "row_no integer) ON COMMIT DROP"
    )
    cursor.execute("ANALYZE temp_imp_claims (enterprise_id, field, source)")
    cursor.execute(
        """
        WITH written AS (
            INSERT INTO enterprises_profileclaim AS c
                (enterprise_id, field, value, source, as_of, recorded_by_id)
            SELECT k.enterprise_id, k.field, k.value, k.source, %s, %s
            FROM temp_imp_claims k LEFT JOIN enterprises_profileclaim p
                ON p.enterprise_id = k.enterprise_id AND p.field = k.field AND p.source = k.source
            WHERE p.value IS DISTINCT FROM k.value
            ON CONFLICT (enterprise_id, field, source) DO UPDATE
                SET value = EXCLUDED.value, as_of = EXCLUDED.as_of,
                    recorded_by_id = EXCLUDED.recorded_by_id
                WHERE c.value IS DISTINCT FROM EXCLUDED.value
            RETURNING c.enterprise_id, c.field, c.source
        )
        INSERT INTO temp_imp_claims_changed
        SELECT k.enterprise_id, k.field, k.row_no
        FROM written w JOIN temp_imp_claims k USING (enterprise_id, field, source)
        """,
        [as_of, actor_id],
    )


def _sql_type(name: str) -> str:
    return "integer" if YEAR_BY_NAME[name].parse is parse_count else "numeric"


def _merge_year_facts(cursor: Any, *, as_of: dt.datetime, actor_id: int | None) -> None:
    """Merge each row's figures into its (enterprise, year, source) fact, a blank cell
    keeping the stored figure; temp_imp_years_changed holds what changed."""
    casts = ", ".join(f"r.{n}::{_sql_type(n)}" for n in _YEAR_NAMES)
    unchanged = ", ".join(f"COALESCE(r.{n}::{_sql_type(n)}, y.{n})" for n in _YEAR_NAMES)
    current = ", ".join(f"y.{n}" for n in _YEAR_NAMES)
    merged = ", ".join(f"COALESCE(EXCLUDED.{n}, f.{n})" for n in _YEAR_NAMES)
    stored = ", ".join(f"f.{n}" for n in _YEAR_NAMES)
    assignments = ", ".join(f"{n} = COALESCE(EXCLUDED.{n}, f.{n})" for n in _YEAR_NAMES)
    cursor.execute(
        "CREATE TEMP TABLE temp_imp_years_changed (enterprise_id bigint, year integer, "
        "row_no integer) ON COMMIT DROP"
    )
    reported = f"r.year IS NOT NULL AND ({' OR '.join(f'r.{n} IS NOT NULL' for n in _YEAR_NAMES)})"
    columns = f"enterprise_id, year, source, {', '.join(_YEAR_NAMES)}, recorded_at, recorded_by_id"
    cursor.execute(
        f"""
        WITH written AS (
            INSERT INTO enterprises_yearfact AS f ({columns})
            SELECT r.enterprise_id, r.year, r.source, {casts}, %s, %s
            FROM temp_imp_rows r LEFT JOIN enterprises_yearfact y
                ON y.enterprise_id = r.enterprise_id AND y.year = r.year AND y.source = r.source
            WHERE {reported}
                AND (y.id IS NULL OR ROW({unchanged}) IS DISTINCT FROM ROW({current}))
            ON CONFLICT (enterprise_id, year, source) DO UPDATE
                SET {assignments}, recorded_at = EXCLUDED.recorded_at,
                    recorded_by_id = EXCLUDED.recorded_by_id
                WHERE ROW({merged}) IS DISTINCT FROM ROW({stored})
            RETURNING f.enterprise_id, f.year, f.source
        )
        INSERT INTO temp_imp_years_changed
        SELECT w.enterprise_id, w.year, r.row_no
        FROM written w JOIN temp_imp_rows r
            ON r.enterprise_id = w.enterprise_id AND r.year = w.year AND r.source = w.source
        """,  # noqa: S608
        [as_of, actor_id],
    )
    cursor.execute("ANALYZE temp_imp_claims_changed, temp_imp_years_changed")


def _resolve_profiles(cursor: Any, *, now: dt.datetime) -> list[int]:
    """Set each claimed field of the existing enterprises whose claims changed to the
    winning source's value. Returns the ids whose industry code changed."""
    pivot = ", ".join(
        f"max(value) FILTER (WHERE field = '{name}') AS {name}" for name in PROFILE_FIELD_NAMES
    )
    cursor.execute(
        f"""
        CREATE TEMP TABLE temp_imp_profiles ON COMMIT DROP AS
        SELECT enterprise_id, {pivot} FROM (
            SELECT DISTINCT ON (c.enterprise_id, c.field) c.enterprise_id, c.field, c.value
            FROM enterprises_profileclaim c
            WHERE c.enterprise_id IN (SELECT enterprise_id FROM temp_imp_claims_changed)
                AND c.field = ANY(%s) AND c.value <> ''
            ORDER BY c.enterprise_id, c.field, {_rank_sql("c.source", PROFILE_PRECEDENCE)}, c.value
        ) AS winners
        GROUP BY enterprise_id
        """,  # noqa: S608
        [list(PROFILE_FIELD_NAMES)],
    )
    typed = {
        **{name: f"COALESCE(p.{name}, e.{name})" for name in _TEXT_FIELDS},
        "registered_on": "CASE WHEN p.registered_on IS NULL THEN e.registered_on ELSE p.registered_on::date END",
        "registered_capital": "CASE WHEN p.registered_capital IS NULL THEN e.registered_capital ELSE p.registered_capital::numeric END",
        "is_listed": "CASE WHEN p.is_listed IS NULL THEN e.is_listed ELSE p.is_listed = '1' END",
        "serious_dishonesty": "CASE WHEN p.serious_dishonesty IS NULL THEN e.serious_dishonesty ELSE p.serious_dishonesty = '1' END",
        "division_id": "CASE WHEN p.division IS NULL THEN e.division_id ELSE o.id END",
    }  # fmt: skip
    columns = list(typed)
    cursor.execute(
        f"""
        UPDATE enterprises_enterprise AS e
        SET {", ".join(f"{c} = t.{c}" for c in columns)}, updated_at = %s
        FROM (
            SELECT e.id, {", ".join(f"{sql} AS {c}" for c, sql in typed.items())},
                p.industry_code IS NOT NULL
                    AND p.industry_code IS DISTINCT FROM e.industry_code AS industry_changed
            FROM temp_imp_profiles p JOIN enterprises_enterprise e ON e.id = p.enterprise_id
            LEFT JOIN accounts_organisation o ON o.kind = 'division' AND o.code = p.division
        ) AS t
        WHERE e.id = t.id
            AND ROW({", ".join(f"e.{c}" for c in columns)}) IS DISTINCT FROM ROW({", ".join(f"t.{c}" for c in columns)})
        RETURNING e.id, t.industry_changed
        """,  # noqa: S608
        [now],
    )
    return [eid for eid, industry_changed in cursor.fetchall() if industry_changed]


def _refresh_figures(cursor: Any) -> None:
    """Recompute YearFigure for the (enterprise, year) pairs whose facts changed, with
    the precedence of facts.resolve_year_facts."""
    rank = _rank_sql("f.source", YEAR_FACT_PRECEDENCE) + ', f.source COLLATE "C"'

    def first(column: str, present: str) -> str:
        return f"(array_agg({column} ORDER BY {rank}) FILTER (WHERE {present} IS NOT NULL))[1]"

    cursor.execute(
        f"""
        INSERT INTO enterprises_yearfigure AS g
            (enterprise_id, year, employees, revenue, total_assets, revenue_source)
        SELECT f.enterprise_id, f.year, {first("f.employees", "f.employees")},
            {first("f.revenue", "f.revenue")}, {first("f.total_assets", "f.total_assets")},
            COALESCE({first("f.source", "f.revenue")}, '')
        FROM enterprises_yearfact f
        WHERE (f.enterprise_id, f.year) IN (SELECT enterprise_id, year FROM temp_imp_years_changed)
        GROUP BY f.enterprise_id, f.year
        ON CONFLICT (enterprise_id, year) DO UPDATE
            SET employees = EXCLUDED.employees, revenue = EXCLUDED.revenue,
                total_assets = EXCLUDED.total_assets, revenue_source = EXCLUDED.revenue_source
        """  # noqa: S608
    )


def _refresh_size_classes(cursor: Any, industry_changed: list[int]) -> None:
    """Reclassify existing enterprises whose figures or industry changed, from their
    latest year with figures (new ones were classified when inserted)."""
    cursor.execute(
        """
        SELECT e.id, e.industry_code, e.size_class, e.size_basis_year, g.year,
            g.employees, g.revenue::float8, g.total_assets::float8
        FROM enterprises_enterprise e
        LEFT JOIN LATERAL (
            SELECT year, employees, revenue, total_assets FROM enterprises_yearfigure
            WHERE enterprise_id = e.id ORDER BY year DESC LIMIT 1
        ) AS g ON true
        WHERE e.id IN (SELECT enterprise_id FROM temp_imp_years_changed)
            OR e.id = ANY(%s)
        """,
        [industry_changed],
    )
    rows = cursor.fetchall()
    if not rows:
        return
    schema = {"id": pl.Int64, "industry_code": pl.String, "size_class": pl.String,
              "size_basis_year": pl.Int64, "year": pl.Int64, "employees": pl.Int64,
              "revenue": pl.Float64, "total_assets": pl.Float64}  # fmt: skip
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    size = size_class_expr(
        pl.col("industry_code"),
        {name: pl.col(name) for name in ("employees", "revenue", "total_assets")},
        frame["industry_code"].unique().to_list(),
    )
    classified = frame.with_columns(size.alias("new_class")).with_columns(
        pl.when(pl.col("new_class") != "").then(pl.col("year")).alias("new_basis")
    )
    changes = classified.filter(
        (pl.col("new_class") != pl.col("size_class"))
        | pl.col("new_basis").ne_missing(pl.col("size_basis_year"))
    ).select("id", "new_class", "new_basis")
    update_values(Enterprise, ["id", "size_class", "size_basis_year"], changes.rows())


_EVENT_COLUMNS = "at, actor_id, kind, from_state, to_state, note, data, enterprise_id"


def _write_events(cursor: Any, fresh: Fresh, *, merged: bool, actor_id: int | None) -> list[int]:
    """One profile_created / profile_changed event per enterprise that changed, naming
    the fields and years, in the order the enterprises first appear in the file: the
    created ones' from `fresh`, the others' from what the merge changed (`merged`: rows
    about existing enterprises were staged)."""
    now = timezone.now()
    stamp = [
        pl.lit(now.isoformat()).alias("at"),
        pl.lit(actor_id, dtype=pl.Int64).alias("actor_id"),
    ]
    blank = [pl.lit("").alias(name) for name in ("from_state", "to_state", "note")]
    events = fresh.events.select(*stamp, "kind", *blank, "data", "enterprise_id")
    if not merged:
        copy_frame(cursor, "enterprises_enterpriseevent", events)
        return fresh.events["enterprise_id"].to_list()
    cursor.execute(
        "CREATE TEMP TABLE temp_imp_fresh_events (enterprise_id bigint, first_row integer, "
        "kind text, data jsonb) ON COMMIT DROP"
    )
    copy_frame(cursor, "temp_imp_fresh_events", fresh.events)
    cursor.execute(
        f"""
        WITH changed AS (
            SELECT enterprise_id, field FROM temp_imp_claims_changed
            UNION SELECT enterprise_id, year::text FROM temp_imp_years_changed
        ), per AS (
            SELECT enterprise_id, array_agg(field COLLATE "C" ORDER BY field COLLATE "C") AS fields
            FROM changed GROUP BY enterprise_id
        ), firm AS (
            SELECT enterprise_id, min(row_no) AS first_row,
                (array_agg(source ORDER BY row_no DESC))[1] AS source
            FROM temp_imp_rows GROUP BY enterprise_id
        ), events AS (
            SELECT firm.enterprise_id, firm.first_row, 'profile_changed' AS kind,
                jsonb_build_object('source', firm.source, 'fields', to_jsonb(per.fields)) AS data
            FROM per JOIN firm USING (enterprise_id)
            UNION ALL SELECT enterprise_id, first_row, kind, data FROM temp_imp_fresh_events
        )
        INSERT INTO enterprises_enterpriseevent ({_EVENT_COLUMNS})
        SELECT %s, %s, kind, '', '', '', data, enterprise_id FROM events ORDER BY first_row
        RETURNING enterprise_id
        """,  # noqa: S608
        [now, actor_id],
    )
    return [eid for (eid,) in cursor.fetchall()]


def _counts(cursor: Any) -> Counts:
    """Per staged row (enterprises that existed): updated when it changed something,
    else unchanged."""
    cursor.execute(
        """
        SELECT count(*) FILTER (WHERE changed), count(*) FILTER (WHERE NOT changed)
        FROM (
            SELECT r.row_no IN (
                SELECT row_no FROM temp_imp_claims_changed
                UNION SELECT row_no FROM temp_imp_years_changed) AS changed
            FROM temp_imp_rows r
        ) AS rows
        """
    )
    updated, unchanged = cursor.fetchone()
    return Counts(updated=updated, unchanged=unchanged)
