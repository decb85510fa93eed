"""Enterprise registry benchmark on PostgreSQL.

Run from the project root: `python bench/enterprises.py` (DATABASE_URL defaults to
postgres://postgres@127.0.0.1:5432/qinqing_bench_enterprises; the database is dropped,
created and migrated here). `--enterprises N` (or BENCH_ENTERPRISES, default 1,000,000)
sets the scale, `--import-rows R` the rows imported through the real path (default
min(100,000, N/2)), `--only import` stops after the import figures.

What it loads and measures:
1. The real import path (imports.import_file: read CSV, validate every row, bulk upsert
   claims and yearly facts, resolve profiles, figures and size classes, write events) on
   100,000 generated profile rows (one year each), and once more unchanged (re-import);
   then 200,000 indicator rows through the same path. The reference, in the same run:
   COPY of the same CSV rows into a table of the same width (12 typed columns, no
   index); `import_profiles_ratio` is the import rate ÷ the COPY rate. A second
   reference, the database's floor for this import: every row the import wrote
   (enterprises, claims, facts, figures, events) COPYed into tables with the same
   indexes and deferred foreign keys, split per table into writing the rows, keeping
   the indexes and checking the keys; `import_floor_ratio` is the best ratio to COPY a
   store of these rows can reach, `import_profiles_vs_floor` the import's time over the
   floor. Then the same file with other codes the way an officer imports it (upload,
   ImportJob, the worker's run, every row recorded by the officer):
   `import_profiles_officer_ratio`. The first import, the reference COPY and the floor
   are each timed several times in the run and their medians count
   (_enterprises_floor.py holds these references).
2. The rest of the 1,000,000 enterprises with 3 years of facts (statistics), their
   effective figures, qualifications, tags and pools, and 24 months of monthly
   electricity readings for every enterprise (24,000,000 rows), generated inside
   PostgreSQL (INSERT ... SELECT generate_series), because pushing 27M rows through the
   per-row validation would take far longer than the run-time bound.
3. Filtered searches through selectors.search_enterprises + page_of (the code the list
   page and the API use), 300 random queries of 6 kinds: p50 and p99.
4. The early-warning pass (three rules) over all enterprises for the last month.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

from _enterprises_floor import (
    REPEATS,
    figure,
    officer_import,
    reference_copy,
    wal_bytes,
    write_floor,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/qinqing_bench_enterprises"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinqing.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("QINQING_VAR_DIR", str(Path(tempfile.gettempdir()) / "qq-bench-enterprises"))

N = int(os.environ.get("BENCH_ENTERPRISES", "1000000"))
IMPORT_ROWS = min(100_000, N // 2)
INDICATOR_IMPORT_ROWS = min(200_000, N)
SEARCHES = 300


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup() -> None:
    recreate_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_divisions() -> list[int]:
    from qinqing.accounts.models import Organisation, OrgKind

    root = Organisation.objects.create(code="511602", name="广安区", kind=OrgKind.DIVISION)
    streets = [
        Organisation.objects.create(
            code=f"511602{i:03d}", name=f"街道{i}", kind=OrgKind.DIVISION, parent=root
        )
        for i in range(1, 21)
    ]
    return [root.pk] + [s.pk for s in streets]


WORDS = ["华", "鑫", "宏", "达", "盛", "泰", "丰", "源", "恒", "兴", "嘉", "德", "安", "瑞", "祥", "隆", "通", "明", "新", "博"]  # fmt: skip
TRADES = ["科技", "机械", "电子", "食品", "建材", "物流", "商贸", "化工", "纺织", "医药"]
INDUSTRIES = ["C3911", "C1331", "C2614", "C3411", "F5131", "F5211", "G5430", "G5920", "I6510", "E4811", "K7020", "L7211", "M7320", "A0111", "C3825", "H6210"]  # fmt: skip


def enterprise_name(i: int) -> str:
    return (
        WORDS[i % 20] + WORDS[(i // 20) % 20] + WORDS[(i // 400) % 20] + TRADES[(i // 8000) % 10]
        + f"{i}号有限公司"
    )  # fmt: skip


def bench_import(*, indicators: bool = True) -> None:
    from qinqing.enterprises.imports import import_file
    from qinqing.enterprises.models import ImportJob
    from qinqing.lib.uscc import make_uscc

    rng = random.Random(1)
    buffer = io.StringIO()
    buffer.write(
        "统一社会信用代码,数据来源,企业名称,行政区划代码,行业代码,成立日期,联系人,联系电话,年度,从业人员,营业收入（万元）,资产总额（万元）\n"
    )
    for i in range(IMPORT_ROWS):
        code = make_uscc(f"91511602{i:09d}")
        buffer.write(
            f"{code},市场监管,{enterprise_name(i)},511602{1 + i % 20:03d},{INDUSTRIES[i % len(INDUSTRIES)]},"
            f"20{10 + i % 15}-0{1 + i % 9}-1{i % 10},张{WORDS[i % 20]},138{i:08d},2024,"
            f"{rng.randint(1, 2000)},{rng.randint(10, 90000)}.5,{rng.randint(10, 90000)}\n"
        )
    data = buffer.getvalue().encode("utf-8")
    reference = reference_copy(data, IMPORT_ROWS)
    first_elapsed = 0.0
    for label in ("import_profiles", "reimport_profiles_unchanged"):
        times = []
        # the first import runs REPEATS times into an emptied registry (the median
        # counts); the re-import of the unchanged file once, after the last
        for attempt in range(REPEATS if label == "import_profiles" else 1):
            if attempt:
                _empty_registry()
            lsn = wal_bytes()
            start = time.perf_counter()
            result = import_file(
                io.BytesIO(data),
                "bench.csv",
                kind=ImportJob.Kind.PROFILES,
                actor=None,
                all_or_nothing=True,
            )
            times.append(time.perf_counter() - start)
            assert not result.errors, result.errors[:3]
        if len(times) > 1:
            print("#   import runs (s): " + ", ".join(f"{t:.2f}" for t in times), flush=True)
        elapsed = statistics.median(times)
        first_elapsed = first_elapsed or elapsed
        figure(f"{label}_rows", IMPORT_ROWS, "rows")
        figure(f"{label}_time", elapsed, "s")
        figure(f"{label}_rate", IMPORT_ROWS / elapsed, "rows/s")
        figure(f"{label}_ratio", IMPORT_ROWS / elapsed / reference, "of COPY")
        wal = int(wal_bytes(str(lsn))) / 1e6
        print(f"#   WAL of one {label} run (whole server): {wal:.1f} MB", flush=True)
    figure("reimport_unchanged_rows", result.counts.unchanged, "rows")
    write_floor(first_elapsed, IMPORT_ROWS, reference)
    officer_import(data, reference)
    if not indicators:
        return

    buffer = io.StringIO()
    buffer.write("统一社会信用代码,指标,期间,数值,数据来源\n")
    codes = [make_uscc(f"91511602{i:09d}") for i in range(IMPORT_ROWS)]
    months = INDICATOR_IMPORT_ROWS // IMPORT_ROWS + 1
    written = 0
    for m in range(months):
        for code in codes:
            if written == INDICATOR_IMPORT_ROWS:
                break
            buffer.write(f"{code},用电量,2023-{1 + m:02d},{rng.randint(1000, 90000)},工作人员\n")
            written += 1
    start = time.perf_counter()
    result = import_file(
        io.BytesIO(buffer.getvalue().encode()),
        "ind.csv",
        kind=ImportJob.Kind.INDICATORS,
        actor=None,
        all_or_nothing=True,
    )
    elapsed = time.perf_counter() - start
    assert not result.errors, result.errors[:3]
    figure("import_indicators_rows", written, "rows")
    figure("import_indicators_rate", written / elapsed, "rows/s")


def _empty_registry() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE enterprises_enterprise CASCADE")


class IndexesDropped:
    """Drop a table's secondary indexes and unique constraints, rebuild them on exit:
    loading millions of rows into an indexed table is several times slower than
    building each index once afterwards."""

    def __init__(self, cursor, table: str) -> None:  # type: ignore[no-untyped-def]
        self.cur, self.table = cursor, table

    def __enter__(self) -> None:
        cur, table = self.cur, self.table
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            f"WHERE conrelid = '{table}'::regclass AND contype = 'u'"
        )
        self.constraints = cur.fetchall()
        cur.execute(
            f"SELECT indexname, indexdef FROM pg_indexes WHERE tablename = '{table}' "
            "AND indexname NOT LIKE '%pkey' AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE contype = 'u')"
        )
        self.indexes = cur.fetchall()
        for name, _ in self.constraints:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in self.indexes:
            cur.execute(f'DROP INDEX "{name}"')

    def __exit__(self, *exc: object) -> None:
        for name, definition in self.constraints:
            self.cur.execute(f'ALTER TABLE {self.table} ADD CONSTRAINT "{name}" {definition}')
        for _, definition in self.indexes:
            self.cur.execute(definition)


def bulk_load(divisions: list[int]) -> None:
    """Everything else, generated inside PostgreSQL."""
    from django.db import connection

    streets = divisions[1:]
    words = "(ARRAY[" + ",".join(f"'{w}'" for w in WORDS) + "])"
    trades = "(ARRAY[" + ",".join(f"'{t}'" for t in TRADES) + "])"
    industries = "(ARRAY[" + ",".join(f"'{c}'" for c in INDUSTRIES) + "])"
    start = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '1GB'")
        with IndexesDropped(cur, "enterprises_enterprise"):
            cur.execute(
                f"""
                INSERT INTO enterprises_enterprise (created_at, updated_at, uscc, name, legal_form, address,
                    division_id, industry_code, tax_credit_rating, size_class, size_basis_year,
                    contact_name, contact_phone, registered_on)
                SELECT now(), now(), '91511602' || lpad(i::text, 9, '0') || 'B',
                    {words}[1 + i % 20] || {words}[1 + (i / 20) % 20] || {words}[1 + (i / 400) % 20]
                        || {trades}[1 + (i / 8000) % 10] || i || '号有限公司',
                    '有限责任公司', '广安区' || i || '号', {streets[0]} + i % 20,
                    {industries}[1 + i % {len(INDUSTRIES)}], (ARRAY['A','B','M','C'])[1 + i % 4],
                    (ARRAY['micro','small','small','medium','large','na'])[1 + i % 6], 2024,
                    '联系人', '139' || lpad(i::text, 8, '0'), date '2000-01-01' + (i % 9000)
                FROM generate_series({IMPORT_ROWS}, {N - 1}) AS i
                """
            )
        with IndexesDropped(cur, "enterprises_yearfact"):
            cur.execute(
                """
                INSERT INTO enterprises_yearfact (enterprise_id, year, source, employees, revenue, total_assets, recorded_at)
                SELECT e.id, y, 'stats', (hashtext(e.uscc || y) & 1023) + 1,
                       ((hashtext(e.uscc) & 65535) * (1 + (y - 2022) * 0.05))::numeric(16,2),
                       (hashtext(e.uscc || 'a') & 65535)::numeric(16,2), now()
                FROM enterprises_enterprise e CROSS JOIN generate_series(2022, 2024) AS y
                """
            )
        with IndexesDropped(cur, "enterprises_yearfigure"):
            cur.execute(
                """
                INSERT INTO enterprises_yearfigure (enterprise_id, year, employees, revenue, total_assets, revenue_source)
                SELECT f.enterprise_id, f.year, f.employees, f.revenue, f.total_assets, f.source
                FROM enterprises_yearfact f
                WHERE f.source = 'stats' AND NOT EXISTS (SELECT 1 FROM enterprises_yearfigure g
                    WHERE g.enterprise_id = f.enterprise_id AND g.year = f.year)
                """
            )
        # statistics outrank the imported market figures (YEAR_FACT_PRECEDENCE)
        cur.execute(
            """
            UPDATE enterprises_yearfigure g SET employees = f.employees, revenue = f.revenue,
                total_assets = f.total_assets, revenue_source = 'stats'
            FROM enterprises_yearfact f
            WHERE f.source = 'stats' AND f.enterprise_id = g.enterprise_id AND f.year = g.year
              AND g.revenue_source <> 'stats'
            """
        )
        cur.execute(
            """
            INSERT INTO enterprises_qualification (enterprise_id, kind, level, certificate_no, issuer,
                valid_from, valid_to, source, recorded_at)
            SELECT id, (ARRAY['high_tech','srdi','tech_sme'])[1 + id % 3], '', 'GR' || id, '',
                date '2021-01-01' + (id % 1000)::int, date '2024-01-01' + (id % 1000)::int, 'officer', now()
            FROM enterprises_enterprise WHERE id % 10 = 0
            """
        )
        cur.execute(
            "INSERT INTO enterprises_tag (name) VALUES ('链主'), ('出口'), ('上市后备'), ('外资'), ('总部')"
        )
        cur.execute(
            """
            INSERT INTO enterprises_enterprise_tags (enterprise_id, tag_id)
            SELECT e.id, t.id FROM enterprises_enterprise e JOIN enterprises_tag t
              ON (e.id + t.id) % 20 = 0
            """
        )
        cur.execute("INSERT INTO enterprises_pool (name, description) VALUES ('规上培育库', '')")
        cur.execute(
            """
            INSERT INTO enterprises_poolmembership (pool_id, enterprise_id, entered_on, entry_reason, exit_reason)
            SELECT (SELECT id FROM enterprises_pool LIMIT 1), id, date '2024-01-01', '营收接近规上标准', ''
            FROM enterprises_enterprise WHERE id % 50 = 0
            """
        )
    figure("bulk_enterprises", N, "enterprises")
    figure("bulk_profiles_facts_time", time.perf_counter() - start, "s")

    start = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '1GB'")
        with IndexesDropped(cur, "enterprises_indicatorvalue"):
            # 24 months (2024-01 .. 2025-12): a seasonal base, 3% of enterprises drop by
            # half in the last month, 1% stop reporting after 2025-09. The enterprises
            # imported above already have 2023 readings: they keep them and get these too.
            cur.execute(
                """
                INSERT INTO enterprises_indicatorvalue (enterprise_id, metric, frequency, period, value, source, recorded_at)
                SELECT e.id, 'electricity', 'M', (date '2024-01-01' + make_interval(months => m))::date,
                       (((hashtext(e.uscc) & 4095) + 100) * (1 + 0.1 * sin(m))
                        * CASE WHEN m = 23 AND e.id % 33 = 0 THEN 0.5 ELSE 1 END)::numeric(18,2),
                       'officer', now()
                FROM enterprises_enterprise e CROSS JOIN generate_series(0, 23) AS m
                WHERE NOT (e.id % 100 = 7 AND m > 20)
                """
            )
        cur.execute("SELECT count(*) FROM enterprises_indicatorvalue")
        readings = cur.fetchone()[0]
    figure("bulk_indicator_rows", readings, "rows")
    figure("bulk_indicator_time", time.perf_counter() - start, "s")
    with connection.cursor() as cur:
        for table in (
            "enterprise", "yearfact", "yearfigure", "qualification", "poolmembership",
            "enterprise_tags", "indicatorvalue",
        ):  # fmt: skip
            cur.execute(f"ANALYZE enterprises_{table}")


def bench_search(divisions: list[int]) -> None:
    import datetime as dt
    from decimal import Decimal

    from qinqing.accounts.models import Organisation
    from qinqing.enterprises.models import Pool
    from qinqing.enterprises.selectors import (
        EnterpriseFilter,
        is_narrow,
        page_of,
        search_enterprises,
    )

    staff = _staff_user(divisions[0])
    pool = Pool.objects.first()
    rng = random.Random(7)
    root_pk = Organisation.objects.get(code="511602").pk

    kinds = [
        "name",
        "industry+division",
        "size+revenue",
        "qualification+division",
        "tag+industry",
        "pool+size",
    ]

    def random_filter(kind: int) -> EnterpriseFilter:
        if kind == 0:
            return EnterpriseFilter(q=WORDS[rng.randrange(20)] + WORDS[rng.randrange(20)])
        if kind == 1:
            return EnterpriseFilter(
                industry=rng.choice(INDUSTRIES)[:3], division=rng.choice(divisions[1:])
            )
        if kind == 2:
            low = rng.randint(0, 60000)
            return EnterpriseFilter(
                size=rng.choice(["small", "medium"]),
                revenue_year=2024,
                revenue_min=Decimal(low),
                revenue_max=Decimal(low + 5000),
            )
        if kind == 3:
            return EnterpriseFilter(
                qualification="high_tech",
                held_on=dt.date(2024, rng.randint(1, 12), 1),
                division=root_pk,
            )
        if kind == 4:
            return EnterpriseFilter(tag=rng.choice(["链主", "出口", "外资"]), industry="C")
        return EnterpriseFilter(pool=pool.pk if pool else None, size="small")

    times = []
    by_kind: dict[str, list[float]] = {k: [] for k in kinds}
    for i in range(SEARCHES):
        kind = rng.randrange(6)
        criteria = random_filter(kind)
        start = time.perf_counter()
        rows, _ = page_of(
            search_enterprises(staff, criteria), 1 + (i % 3), narrow=is_narrow(criteria)
        )
        times.append((time.perf_counter() - start) * 1000)
        by_kind[kinds[kind]].append(times[-1])
    times.sort()
    figure("search_queries", SEARCHES, "queries")
    figure("search_p50", statistics.median(times), "ms")
    figure("search_p99", times[int(len(times) * 0.99) - 1], "ms")
    figure("search_max", times[-1], "ms")
    for name, values in by_kind.items():
        values.sort()
        figure(f"search_{name}_p50", statistics.median(values), "ms")
        figure(f"search_{name}_max", values[-1], "ms")


def _staff_user(division_pk: int):  # type: ignore[no-untyped-def]
    from qinqing.accounts.models import Membership, Role, User

    existing = User.objects.filter(username="bench-leader").first()
    if existing is not None:
        return existing
    user = User.objects.create_user(username="bench-leader", password="bench-only-Passw0rd")
    Membership.objects.create(user=user, organisation_id=division_pk, role=Role.LEADER)
    return user


def bench_warnings() -> None:
    import datetime as dt

    from qinqing.enterprises.models import EarlyWarning, WarningRule
    from qinqing.enterprises.monitoring import run_warning_pass

    WarningRule.objects.create(
        name="用电同比下降超30%", metric="electricity", kind="yoy_drop", drop_percent=30
    )
    WarningRule.objects.create(
        name="用电较前三月均值下降超30%", metric="electricity", kind="avg3_drop", drop_percent=30
    )
    WarningRule.objects.create(
        name="用电连续2个月缺报", metric="electricity", kind="missing", missing_periods=2
    )
    start = time.perf_counter()
    result = run_warning_pass(dt.date(2025, 12, 1))
    elapsed = time.perf_counter() - start
    figure("warning_pass_readings", result.readings, "rows")
    figure("warning_pass_time", elapsed, "s")
    figure("warnings_created", result.created, "warnings")
    start = time.perf_counter()
    again = run_warning_pass(dt.date(2025, 12, 1))
    figure("warning_pass_rerun_time", time.perf_counter() - start, "s")
    figure("warnings_created_on_rerun", again.created, "warnings")
    assert EarlyWarning.objects.count() == result.created


def reuse() -> list[int]:
    """BENCH_REUSE=1: measure search and warnings again on the database a previous run
    loaded (migrating it first), without reloading."""
    import django

    django.setup()
    from django.core.management import call_command

    from qinqing.accounts.models import Organisation
    from qinqing.enterprises.models import EarlyWarning, WarningRule

    call_command("migrate", verbosity=0)
    EarlyWarning.objects.all().delete()
    WarningRule.objects.all().delete()
    with connection_cursor() as cur:
        cur.execute("ANALYZE enterprises_enterprise_tags")
        cur.execute("ANALYZE enterprises_enterprise")
    return list(Organisation.objects.order_by("pk").values_list("pk", flat=True))


def connection_cursor():  # type: ignore[no-untyped-def]
    from django.db import connection

    return connection.cursor()


def parse_args() -> argparse.Namespace:
    global N, IMPORT_ROWS, INDICATOR_IMPORT_ROWS
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--enterprises", type=int, default=N, help="enterprises (scale)")
    parser.add_argument("--import-rows", type=int, default=None, help="rows imported")
    parser.add_argument("--only", choices=["import"], help="measure the import only")
    args = parser.parse_args()
    N = args.enterprises
    IMPORT_ROWS = args.import_rows or min(100_000, N // 2)
    INDICATOR_IMPORT_ROWS = min(200_000, N)
    return args


def main() -> None:
    args = parse_args()
    overall = time.perf_counter()
    if os.environ.get("BENCH_REUSE") == "1":
        divisions = reuse()
        print("# reusing the loaded database: search and warnings only", flush=True)
        bench_search(divisions)
        bench_warnings()
        figure("bench_total_time", time.perf_counter() - overall, "s")
        return
    setup()
    print(
        f"# enterprises bench on {urlparse(os.environ['DATABASE_URL']).path.lstrip('/')}, {N} enterprises",
        flush=True,
    )
    divisions = make_divisions()
    if args.only == "import":
        bench_import(indicators=False)
        figure("bench_total_time", time.perf_counter() - overall, "s")
        return
    bench_import()
    bulk_load(divisions)
    bench_search(divisions)
    bench_warnings()
    figure("bench_total_time", time.perf_counter() - overall, "s")


if __name__ == "__main__":
    main()
