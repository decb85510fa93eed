"""Writing match results: only what changed since the last full run.

A full run fingerprints its results per bucket of enterprises (ids b × BUCKET up to
the next bucket: a wrapping sum of row hashes, with the row count) and compares them
with the fingerprints the last full run stored (MatchDigest). Buckets whose fingerprint
is the same are not touched; in the others the stored rows are read back and diffed
row by row, and only the rows that appeared, disappeared or changed are deleted and
inserted. With no stored fingerprints, or when most rows changed, the whole table is
rebuilt in one pass instead (COPY into a fresh table and swap, on PostgreSQL).

Every other write of results (re-matching some enterprises or items) deletes the
fingerprints of what it touched in the same transaction (`forget`), so a fingerprint
is trusted only while the rows it describes are exactly those the last full run wrote.
Unchanged rows keep their `decided_at`."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from qinqing.policies.models import MatchDigest, MatchResult, Outcome

CODES = {1: Outcome.ELIGIBLE, 2: Outcome.ALMOST, 3: Outcome.UNKNOWN}
LETTERS = {str(v): k for k, v in CODES.items()}
STORED_SCHEMA = {
    "item_id": pl.Int64,
    "rule_version_id": pl.Int64,
    "enterprise_id": pl.Int64,
    "outcome": pl.String,
    "amount": pl.Float64,
    "missing": pl.Int16,
}
BUCKET = 4096
# the columns a rebuild COPYs, in the order copy_rows writes them (decided_at: now())
COPIED_COLUMNS = "item_id, rule_version_id, enterprise_id, outcome, amount, missing"
SCHEME = f"v1 polars {pl.__version__}"  # row hashes are stable within one Polars version
REBUILD_SHARE = 0.5  # rebuild the table when more than this share of rows changed
COPY_ABOVE = 5000  # rows; fewer go through the ORM
KEY = ["item_id", "enterprise_id"]
COMPARED = ["rule_version_id", "outcome", "amount", "missing"]


@dataclass
class StoreStats:
    rebuilt: bool = False
    buckets_changed: int = 0
    buckets_unchanged: int = 0
    inserted: int = 0
    deleted: int = 0


def normalise(results: pl.DataFrame) -> pl.DataFrame:
    """The stored form: amount to the cent, `missing` only for almost eligible."""
    return results.select(
        pl.col("item_id").cast(pl.Int64),
        pl.col("rule_version_id").cast(pl.Int64),
        pl.col("enterprise_id").cast(pl.Int64),
        pl.col("outcome").cast(pl.UInt8),
        pl.col("amount").cast(pl.Float64).round(2),
        pl.when(pl.col("outcome") == 2).then(pl.col("missing")).otherwise(None).cast(pl.Int16),
    )


def forget(
    *, item_ids: Sequence[int] | None = None, enterprise_ids: Sequence[int] | None = None
) -> None:
    """Distrust the fingerprints covering rows about to be written outside a full run."""
    if enterprise_ids is not None and item_ids is None:
        buckets = {int(e) // BUCKET for e in enterprise_ids}
        MatchDigest.objects.filter(bucket__in=buckets).delete()
    else:
        MatchDigest.objects.all().delete()


def in_shard(enterprise_id: pl.Expr, shard: int, shards: int) -> pl.Expr:
    return (enterprise_id // BUCKET) % shards == shard


def _delete_shard(shard: int, shards: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {MatchResult._meta.db_table} "  # noqa: S608
            "WHERE (enterprise_id / %s) %% %s = %s",
            [BUCKET, shards, shard],
        )


def _bucket_filter(buckets: Sequence[int]) -> pl.Expr:
    return (pl.col("enterprise_id") // BUCKET).is_in(list(buckets))


def _ranges(buckets: Sequence[int]) -> list[tuple[int, int]]:
    """Consecutive buckets as enterprise id ranges [low, high)."""
    ranges: list[tuple[int, int]] = []
    for b in sorted(buckets):
        low, high = b * BUCKET, (b + 1) * BUCKET
        if ranges and ranges[-1][1] == low:
            ranges[-1] = (ranges[-1][0], high)
        else:
            ranges.append((low, high))
    return ranges


def read_stored(buckets: Sequence[int] = (), enterprise_ids: Sequence[int] = ()) -> pl.DataFrame:
    """The stored rows of these buckets and these enterprises, normalised."""
    clauses = [
        f"(enterprise_id >= {int(low)} AND enterprise_id < {int(high)})"
        for low, high in _ranges(buckets)
    ]
    ids = sorted({int(e) for e in enterprise_ids})
    if ids:
        clauses.append(
            "enterprise_id = ANY(%s::bigint[])"
            if connection.vendor == "postgresql"
            else f"enterprise_id IN ({', '.join(str(e) for e in ids)})"
        )
    schema = STORED_SCHEMA
    if not clauses:
        frame = pl.DataFrame(schema=schema)
        return normalise(frame.with_columns(pl.col("outcome").cast(pl.UInt8)))
    sql = (
        "SELECT item_id, rule_version_id, enterprise_id, outcome, amount, missing "  # noqa: S608
        f"FROM {MatchResult._meta.db_table} WHERE {' OR '.join(clauses)}"
    )
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        buffer = io.BytesIO()
        with connection.connection.cursor() as cursor:
            query = cursor.mogrify(sql, [ids]) if ids else sql
        with (
            connection.connection.cursor() as cursor,
            cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy,
        ):
            for block in copy:
                buffer.write(block)
        buffer.seek(0)
        frame = (
            pl.read_csv(buffer, has_header=False, new_columns=list(schema), schema=schema)
            if buffer.getbuffer().nbytes
            else pl.DataFrame(schema=schema)
        )
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            rows = [
                (r[0], r[1], r[2], r[3], None if r[4] is None else float(r[4]), r[5])
                for r in cursor.fetchall()
            ]
        frame = pl.DataFrame(rows, schema=schema, orient="row")
    return normalise(
        frame.with_columns(pl.col("outcome").replace_strict(LETTERS, return_dtype=pl.UInt8))
    )


def _delete_pairs(pairs: pl.DataFrame) -> None:
    if pairs.height == 0:
        return
    if connection.vendor != "postgresql":
        for (item_id,), group in pairs.group_by(["item_id"]):
            MatchResult.objects.filter(
                item_id=item_id, enterprise_id__in=group["enterprise_id"].to_list()
            )._raw_delete(MatchResult.objects.db)
        return
    table = MatchResult._meta.db_table
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE _gone (item_id bigint, enterprise_id bigint) ON COMMIT DROP"
        )
        with cursor.copy("COPY _gone (item_id, enterprise_id) FROM STDIN") as copy:
            for row in pairs.iter_rows():
                copy.write_row(row)
        cursor.execute(
            f"DELETE FROM {table} t USING _gone g "  # noqa: S608
            "WHERE t.item_id = g.item_id AND t.enterprise_id = g.enterprise_id"
        )
        cursor.execute("DROP TABLE _gone")


def replace_scope(
    results: pl.DataFrame,
    *,
    item_ids: Sequence[int] | None = None,
    enterprise_ids: Sequence[int] | None = None,
    rebuild: bool = False,
    delete: bool = True,
) -> StoreStats:
    """Delete the stored rows in scope (unless delete=False) and insert `results`;
    rebuild=True replaces the whole table (a fresh table swapped in on PostgreSQL)."""
    if rebuild and connection.vendor == "postgresql" and results.height > COPY_ABOVE:
        _replace_table(results)
        return StoreStats(rebuilt=True, inserted=results.height)
    now = timezone.now()
    with transaction.atomic():
        if delete:
            qs = MatchResult.objects.all()
            if item_ids is not None:
                qs = qs.filter(item_id__in=list(item_ids))
            if enterprise_ids is not None:
                qs = qs.filter(enterprise_id__in=list(enterprise_ids))
            qs._raw_delete(qs.db)
        if connection.vendor == "postgresql" and results.height > COPY_ABOVE:
            copy_rows(results, MatchResult._meta.db_table)
        else:
            MatchResult.objects.bulk_create(
                [
                    MatchResult(
                        item_id=row[0],
                        rule_version_id=row[1],
                        enterprise_id=row[2],
                        outcome=CODES[row[3]],
                        amount=None if row[4] is None else Decimal(str(row[4])),
                        missing=row[5] if row[3] == 2 else None,
                        decided_at=now,
                    )
                    for row in results.select(
                        "item_id", "rule_version_id", "enterprise_id", "outcome", "amount",
                        "missing",
                    ).iter_rows()
                ],
                batch_size=2000,
            )  # fmt: skip
    return StoreStats(inserted=results.height)


def _replace_table(results: pl.DataFrame) -> None:
    """A full rebuild on PostgreSQL in one go (see `open_staging`)."""
    with transaction.atomic():
        staging = open_staging()
        copy_rows(results, staging)
        close_staging(staging)


def open_staging() -> str:
    """A full rebuild on PostgreSQL: a fresh table without keys, which COPY fills (a
    slice at a time) and `close_staging` keys and swaps in, all in the caller's
    transaction. Readers keep the old results until the commit (the exclusive lock is
    held only for the swap), and loading millions of rows into an index-free table is
    several times faster than into the live one."""
    table = MatchResult._meta.db_table
    staging = f"{table}_loading"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE IF EXISTS "{staging}"')
        cursor.execute(f'CREATE TABLE "{staging}" (LIKE "{table}" INCLUDING DEFAULTS)')
    return staging


def close_staging(staging: str) -> None:
    """Build the keys of the filled staging table (sorting with more memory than the
    default) and put it in the live table's place."""
    table = MatchResult._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
            [table],
        )
        pk_name = cursor.fetchone()[0]
        index_definitions = secondary_indexes(cursor, table)
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute(f'DROP TABLE "{table}"')
        cursor.execute(f'ALTER TABLE "{staging}" RENAME TO "{table}"')
        cursor.execute(
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{pk_name}" PRIMARY KEY (item_id, enterprise_id)'
        )
        for definition in index_definitions:
            cursor.execute(definition)
        cursor.execute(f'ANALYZE "{table}"')  # a new table has no statistics yet


def secondary_indexes(cursor: Any, table: str) -> list[str]:
    """The CREATE INDEX statements of `table`'s indexes other than its constraints'."""
    cursor.execute(
        "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    )
    return [row[0] for row in cursor.fetchall()]


def copy_rows(results: pl.DataFrame, table: str) -> None:
    frame = results.select(
        "item_id",
        "rule_version_id",
        "enterprise_id",
        pl.col("outcome").replace_strict(
            {k: str(v) for k, v in CODES.items()}, return_dtype=pl.String
        ),
        "amount",
        pl.when(pl.col("outcome") == 2).then(pl.col("missing")).otherwise(None),
    )
    connection.ensure_connection()
    raw = connection.connection
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table} ({COPIED_COLUMNS}) FROM STDIN WITH (FORMAT csv)") as copy,
    ):
        step = 1_000_000
        for start in range(0, frame.height, step):
            buffer = io.BytesIO()
            frame.slice(start, step).write_csv(buffer, include_header=False, null_value="")
            copy.write(buffer.getvalue())
