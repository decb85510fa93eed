"""The import's references for bench/enterprises.py: COPY of the import's own CSV into
a table of the same width (the goal's reference), the database's floor for what the
import stored (the same rows COPYed into tables with the same indexes and foreign keys,
taken apart into writing the rows, keeping the indexes and checking the keys), and the
import the way an officer runs it (upload, ImportJob, the worker's run)."""

from __future__ import annotations

import os
import statistics
import time

REPEATS = 3  # each timing below is the median of this many, all in the same run


def figure(name: str, value: float, unit: str) -> None:
    digits = 3 if name.endswith("_ratio") else 2
    print(
        f"{name}: {value:.{digits}f} {unit}"
        if isinstance(value, float)
        else f"{name}: {value} {unit}",
        flush=True,
    )


REFERENCE_TABLE = """
CREATE TABLE bench_ref_profiles (
  uscc varchar(18), source text, name text, division text, industry_code text,
  registered_on date, contact_name text, contact_phone text, year integer,
  employees integer, revenue numeric(16, 2), total_assets numeric(16, 2)
)"""


def reference_copy(data: bytes, rows: int) -> float:
    """Rows per second of COPY of the import's own CSV into a table of the same width
    (the median of 2 × REPEATS + 1 copies: one copy takes a tenth of a second, so a
    single one is at the mercy of whatever else the machine does)."""
    import psycopg

    times = []
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        for _ in range(2 * REPEATS + 1):
            conn.execute("DROP TABLE IF EXISTS bench_ref_profiles")
            conn.execute(REFERENCE_TABLE)
            start = time.perf_counter()
            with (
                conn.transaction(),
                conn.cursor() as cursor,
                cursor.copy("COPY bench_ref_profiles FROM STDIN WITH (FORMAT csv, HEADER)") as copy,
            ):
                copy.write(data)
            times.append(time.perf_counter() - start)
        conn.execute("DROP TABLE bench_ref_profiles")
    print("#   reference COPY runs (s): " + ", ".join(f"{t:.3f}" for t in times), flush=True)
    rate = rows / statistics.median(times)
    figure("reference_copy_rate", rate, "rows/s")
    return rate


FLOOR_TABLES = [
    "enterprises_enterprise",
    "enterprises_profileclaim",
    "enterprises_yearfact",
    "enterprises_yearfigure",
    "enterprises_enterpriseevent",
]


def _foreign_keys(conn, table: str, prefix: str) -> list[str]:  # type: ignore[no-untyped-def]
    rows = conn.execute(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
        f"WHERE conrelid = '{table}'::regclass AND contype = 'f'"
    ).fetchall()
    return [
        definition.replace(
            "REFERENCES enterprises_enterprise(", f"REFERENCES {prefix}enterprises_enterprise("
        )
        for (definition,) in rows
    ]


def _copy_each(conn, dumps: dict[str, bytes], prefix: str) -> dict[str, tuple[float, float]]:  # type: ignore[no-untyped-def]
    """COPY each dump into its `prefix` table, one transaction per table, parents
    first: (seconds to write the rows and their indexes, seconds to commit, where the
    table's deferred foreign keys are checked)."""
    parts = {}
    for table, data in dumps.items():
        began = time.perf_counter()
        with conn.transaction(), conn.cursor() as cursor:
            with cursor.copy(f"COPY {prefix}{table} FROM STDIN") as copy:
                copy.write(data)
            written = time.perf_counter()
        parts[table] = (written - began, time.perf_counter() - written)
    return parts


def _copy_together(conn, dumps: dict[str, bytes]) -> float:  # type: ignore[no-untyped-def]
    """COPY every dump into its floor_ table in one transaction, as the import writes."""
    began = time.perf_counter()
    with conn.transaction(), conn.cursor() as cursor:
        for table, data in dumps.items():
            with cursor.copy(f"COPY floor_{table} FROM STDIN") as copy:
                copy.write(data)
    return time.perf_counter() - began


def wal_bytes(since: str | None = None) -> str | int:
    """The server's WAL insert position, or the bytes written since `since` (the whole
    server: other sessions' writes count too, so it means something on a quiet one)."""
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        if since is None:
            return conn.execute("SELECT pg_current_wal_insert_lsn()::text").fetchone()[0]
        query = "SELECT pg_current_wal_insert_lsn() - %s::pg_lsn"
        return conn.execute(query, [since]).fetchone()[0]


def write_floor(import_time: float, import_rows: int, reference: float) -> None:
    """The database's own cost of what the first import wrote: the same rows (every
    enterprise, claim, yearly fact, figure and event it created) COPYed into tables like
    the real ones (same indexes, same deferred foreign keys) in one transaction, as the
    import writes them (the median of REPEATS). `import_profiles_vs_floor` is the
    import's time over this floor: what the import adds to the writes it cannot avoid;
    `import_floor_ratio` is the best ratio to COPY that an import storing these rows
    could reach. Taken apart once, a transaction per table so that each table's foreign
    key checks show at its commit, and again into bare tables (no index, no key): each
    table's part is writing the rows, keeping its indexes and checking its keys."""
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        dumps = {}
        for table in FLOOR_TABLES:
            with conn.cursor().copy(f"COPY {table} TO STDOUT") as copy:
                dumps[table] = b"".join(bytes(block) for block in copy)
        for table in FLOOR_TABLES:
            conn.execute(f"CREATE TABLE bare_{table} (LIKE {table} INCLUDING DEFAULTS)")
            conn.execute(f"CREATE TABLE floor_{table} (LIKE {table} INCLUDING ALL)")
        for table in FLOOR_TABLES:
            for definition in _foreign_keys(conn, table, "floor_"):
                conn.execute(f"ALTER TABLE floor_{table} ADD {definition}")
        emptied = "TRUNCATE " + ", ".join(f"floor_{t}" for t in FLOOR_TABLES)
        runs = []
        lsn = wal_bytes()
        for attempt in range(REPEATS):
            conn.execute(emptied)
            runs.append(_copy_together(conn, dumps))
            if not attempt:
                wal = wal_bytes(str(lsn))
        conn.execute(emptied)
        bare = _copy_each(conn, dumps, "bare_")
        full = _copy_each(conn, dumps, "floor_")
        indexes = {
            table: conn.execute(
                "SELECT count(*) FROM pg_indexes WHERE tablename = %s", [table]
            ).fetchone()[0]
            for table in FLOOR_TABLES
        }
        checked = {
            table: conn.execute(
                "SELECT count(*) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
                [table],
            ).fetchone()[0]
            for table in FLOOR_TABLES
        }
        conn.execute("DROP TABLE " + ", ".join(f"bare_{t}" for t in FLOOR_TABLES))
        conn.execute("DROP TABLE " + ", ".join(f"floor_{t}" for t in reversed(FLOOR_TABLES)))
    counts = {table: data.count(b"\n") for table, data in dumps.items()}
    elapsed = statistics.median(runs)
    print("#   floor runs, one transaction (s): " + ", ".join(f"{t:.2f}" for t in runs))
    figure("import_db_floor_rows", sum(counts.values()), "rows")
    figure("import_db_floor_time", elapsed, "s")
    print(f"#   WAL of one floor run (whole server): {int(wal) / 1e6:.1f} MB", flush=True)
    print("#   floor per table: rows alone + index upkeep + foreign key checks (s)", flush=True)
    alone = upkeep = checks = 0.0
    for table in FLOOR_TABLES:
        (written, committed), (plain, plain_commit) = full[table], bare[table]
        parts = (plain + plain_commit, max(written - plain, 0), max(committed - plain_commit, 0))
        alone, upkeep, checks = alone + parts[0], upkeep + parts[1], checks + parts[2]
        print(
            f"#   floor {table.removeprefix('enterprises_')} ({counts[table]} rows, "
            f"{indexes[table]} indexes, {checked[table]} foreign keys): "
            + " + ".join(f"{part:.2f}" for part in parts),
            flush=True,
        )
    figure("import_db_floor_rows_alone", alone, "s")
    figure("import_db_floor_index_upkeep", upkeep, "s")
    figure("import_db_floor_fk_checks", checks, "s")
    figure(
        "import_floor_ratio",
        import_rows / elapsed / reference,
        "of COPY (the best a store of these rows can do)",
    )
    figure("import_profiles_vs_floor", import_time / elapsed, "x the floor")


def officer_import(data: bytes, reference: float) -> None:
    """The same file with other codes, the way an officer imports it: uploaded, stored
    as an ImportJob and run as the queue worker runs it, every row recorded by the
    officer (so each claim, fact and event also has its recorded_by key checked)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qinqing.enterprises.imports import run_job, start_import
    from qinqing.enterprises.models import ImportJob
    from qinqing.lib.uscc import make_uscc

    officer = _officer()
    lines = data.decode("utf-8").splitlines(keepends=True)
    body = []
    for i, line in enumerate(lines[1:]):
        code = make_uscc(f"91511603{i:09d}")
        body.append(code + line[18:])
    upload = SimpleUploadedFile("officer.csv", (lines[0] + "".join(body)).encode("utf-8"))
    start = time.perf_counter()
    job, _ = start_import(
        upload, kind=ImportJob.Kind.PROFILES, actor=officer, all_or_nothing=True,
        idempotency_key="bench-officer",
    )  # fmt: skip
    if job.status == ImportJob.Status.QUEUED:  # the worker's part
        job = run_job(job.pk) or job
    elapsed = time.perf_counter() - start
    assert job.status == ImportJob.Status.DONE and job.created_count == len(body), job.errors[:3]
    figure("import_profiles_officer_time", elapsed, "s")
    figure("import_profiles_officer_rate", len(body) / elapsed, "rows/s")
    figure("import_profiles_officer_ratio", len(body) / elapsed / reference, "of COPY")


def _officer():  # type: ignore[no-untyped-def]
    from qinqing.accounts.models import Membership, Organisation, Role, User

    user = User.objects.create_user(username="bench-officer", password="bench-only-Passw0rd")
    Membership.objects.create(
        user=user, organisation=Organisation.objects.get(code="511602"), role=Role.POLICY_OFFICER
    )
    return user
