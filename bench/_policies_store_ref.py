"""The store's reference for bench/policies.py: what PostgreSQL alone needs to take in the
rows a first full run stores, measured in the same run.

The rows the run stored are written to a CSV file first (not timed); then, timed, the
same steps the store takes with nothing of ours in between: a fresh table like the
results table, COPY of the file, the same primary key and indexes, ANALYZE. The store
(policies/storing.py) also renders its rows as CSV in Python and runs beside the
evaluation, so store ÷ reference says how much of the store is our own work."""

from __future__ import annotations

import os
import tempfile
import time

CHUNK = 1 << 20


def store_reference() -> tuple[float, int]:
    """(seconds, rows) for loading the stored results again from a file, keyed."""
    from django.db import connection

    from qinqing.policies.models import MatchResult
    from qinqing.policies.storing import COPIED_COLUMNS, secondary_indexes

    table = MatchResult._meta.db_table
    reference = f"{table}_reference"
    connection.ensure_connection()
    raw = connection.connection
    with tempfile.TemporaryFile(dir=os.environ.get("TMPDIR")) as rows_file:
        with raw.cursor() as cursor:
            sql = f"COPY (SELECT {COPIED_COLUMNS} FROM {table}) TO STDOUT WITH (FORMAT csv)"  # noqa: S608
            with cursor.copy(sql) as copy:
                for block in copy:
                    rows_file.write(block)
            indexes = [d.replace(f" ON public.{table} ", f" ON public.{reference} ")
                       for d in secondary_indexes(cursor, table)]  # fmt: skip
        rows_file.seek(0)
        started = time.perf_counter()
        with raw.transaction(), raw.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute(f'DROP TABLE IF EXISTS "{reference}"')
            cursor.execute(f'CREATE TABLE "{reference}" (LIKE "{table}" INCLUDING DEFAULTS)')
            with cursor.copy(
                f"COPY {reference} ({COPIED_COLUMNS}) FROM STDIN WITH (FORMAT csv)"
            ) as copy:
                while block := rows_file.read(CHUNK):
                    copy.write(block)
            cursor.execute(f'ALTER TABLE "{reference}" ADD PRIMARY KEY (item_id, enterprise_id)')
            for definition in indexes:
                cursor.execute(definition.replace("INDEX ", "INDEX ref_", 1))
            cursor.execute(f'ANALYZE "{reference}"')
            elapsed = time.perf_counter() - started
            cursor.execute(f"SELECT count(*) FROM {reference}")  # noqa: S608
            rows = int(cursor.fetchone()[0])
            cursor.execute(f'DROP TABLE "{reference}"')
    return elapsed, rows
