"""Policy matching benchmark: N enterprises × M rule items on PostgreSQL.

Run from the project root: `python bench/policies.py` (options: --enterprises 1000000
--items 1000 --reload --mode memory|full|both). The in-memory mode (the default; no
database) evaluates the rules over a synthetic fact frame three ways, in one run: the
matcher (`matching.evaluate_all`), OpenFisca-Core (the optional `bench` extra; `n/a`
when it is not installed) and plain Polars (bench/policy_refs.py says how each is
built), and prints the ratios; the matcher's outcomes are checked against OpenFisca's.
The full mode creates and migrates its own database (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/qinqing_bench_policies), loads synthetic enterprises with
three years of facts (statistics source, plus a tax source for 10% of them, about 2% of
figures missing) and qualifications, all with COPY, and M published items whose rules
are drawn from the shapes of the 13 Hangzhou programmes (prefixes, size, qualification,
registration age, thresholds, banded R&D ratio, growth, dishonesty flag).

Timed: one full matching run as the background task runs it (loading the facts from
the database, evaluating every item, replacing the stored results with COPY), its peak
memory (ru_maxrss of this process), and one enterprise's interactive answer over all
items (p50/p99 of 200 random enterprises)."""

from __future__ import annotations

import argparse
import gc
import io
import os
import random
import resource
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(PROJECT_ROOT / "bench"))

from _policies_store_ref import store_reference  # noqa: E402
from policy_refs import random_rule  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/qinqing_bench_policies"


def prepare_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[-1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinqing.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("QINQING_VAR_DIR", str(PROJECT_ROOT / "var" / "bench-policies"))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0)
    except Exception as exc:  # another app's migrations may be mid-change in a shared tree
        from django.db import connection

        if "policies_matchresult" not in connection.introspection.table_names():
            raise
        print(
            f"# migrate skipped ({type(exc).__name__}); using the existing schema", file=sys.stderr
        )


def copy_rows(table: str, columns: list[str], frame) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)") as copy,
    ):
        step = 500_000
        for start in range(0, frame.height, step):
            buffer = io.BytesIO()
            frame.slice(start, step).select(columns).write_csv(
                buffer, include_header=False, null_value=""
            )
            copy.write(buffer.getvalue())


def load_enterprises(n: int, seed: int) -> None:
    import numpy as np
    import polars as pl
    from django.db import connection, transaction
    from django.utils import timezone

    from qinqing.accounts.models import Organisation, OrgKind
    from qinqing.enterprises.models import Enterprise

    rng = np.random.default_rng(seed)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE enterprises_enterprise, enterprises_yearfact, enterprises_qualification, "
                "policies_matchresult CASCADE"
            )
        root, _ = Organisation.objects.get_or_create(
            code="330106", defaults={"name": "西湖区", "kind": OrgKind.DIVISION}
        )
        streets = []
        for i in range(1, 11):
            street, _ = Organisation.objects.get_or_create(
                code=f"330106{i:03d}",
                defaults={"name": f"街道{i}", "kind": OrgKind.DIVISION, "parent": root},
            )
            streets.append(street.pk)
        now = timezone.now().isoformat()
        letters = np.array(list("ABCDEFGIJKLMNOPQRS"))
        ids = np.arange(1, n + 1)
        industry = [
            f"{letter}{code:02d}"
            for letter, code in zip(rng.choice(letters, n), rng.integers(1, 90, n), strict=True)
        ]
        base = pl.DataFrame(
            {
                "id": ids,
                "created_at": now,
                "updated_at": now,
                "uscc": [f"91330106{i:010d}" for i in ids],
                "name": [f"企业{i}" for i in ids],
                "legal_form": "",
                "registered_on": None,
                "registered_capital": np.round(rng.lognormal(5, 1.2, n), 2),
                "address": "",
                "division_id": rng.choice(streets, n),
                "industry_code": industry,
                "tax_credit_rating": rng.choice(
                    ["A", "B", "M", "C", "D", ""], n, p=[0.3, 0.4, 0.15, 0.07, 0.03, 0.05]
                ),
                "is_listed": rng.random(n) < 0.01,
                "serious_dishonesty": pl.Series(rng.random(n) < 0.01).scatter(
                    np.flatnonzero(rng.random(n) < 0.02), None
                ),
                "size_class": rng.choice(
                    ["large", "medium", "small", "micro", ""], n, p=[0.02, 0.08, 0.3, 0.55, 0.05]
                ),
                "size_basis_year": None,
                "contact_name": "",
                "contact_phone": "",
            },
            strict=False,
        )
        days = pl.Series(rng.integers(0, 365 * 25, n))
        base = base.with_columns(
            (pl.date(2001, 1, 1) + pl.duration(days=days)).alias("registered_on")
        )
        # columns the synthetic rows do not fill (e.g. lat, lng) stay NULL
        columns = [f.column for f in Enterprise._meta.concrete_fields if f.column in base.columns]
        copy_rows(Enterprise._meta.db_table, columns, base)

        size = rng.lognormal(7, 1.5, n)  # 2025 revenue, 万元
        frames = []
        for year, factor in ((2023, 0.8), (2024, 0.9), (2025, 1.0)):
            revenue = np.round(size * factor * rng.uniform(0.85, 1.15, n), 2)
            rd = np.round(revenue * rng.uniform(0.0, 0.09, n), 2)
            employees = np.maximum(1, (revenue / 50 * rng.uniform(0.5, 1.5, n))).astype(np.int64)

            def gap(values, share=0.02):  # type: ignore[no-untyped-def]
                return pl.Series(values).scatter(np.flatnonzero(rng.random(n) < share), None)

            frames.append(
                pl.DataFrame(
                    {
                        "enterprise_id": ids,
                        "year": year,
                        "source": "stats",
                        "employees": gap(employees),
                        "rd_staff": gap((employees * rng.uniform(0, 0.3, n)).astype(np.int64)),
                        "revenue": gap(revenue),
                        "total_assets": gap(np.round(revenue * 1.3, 2)),
                        "rd_spending": gap(rd),
                        "tax_paid": gap(np.round(revenue * 0.03, 2)),
                        "invention_patents": gap(rng.poisson(0.6, n)),
                        "utility_patents": gap(rng.poisson(2, n)),
                        "design_patents": gap(rng.poisson(1, n)),
                        "software_copyrights": gap(rng.poisson(2, n)),
                        "recorded_at": now,
                        "recorded_by_id": None,
                    },
                    strict=False,
                )
            )
        tax = (
            frames[-1]
            .filter(pl.Series(rng.random(n) < 0.1))
            .with_columns(pl.lit("tax").alias("source"), (pl.col("revenue") * 1.02).round(2))
        )
        facts = pl.concat([*frames, tax], how="vertical_relaxed")
        columns = [
            "enterprise_id",
            "year",
            "source",
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
            "recorded_at",
            "recorded_by_id",
        ]
        copy_rows("enterprises_yearfact", columns, facts)

        quals = []
        for kind, share in (
            ("high_tech", 0.15),
            ("tech_centre", 0.05),
            ("srdi", 0.05),
            ("tech_sme", 0.2),
        ):
            who = ids[rng.random(n) < share]
            starts = pl.Series(rng.integers(0, 365 * 5, len(who)))
            quals.append(
                pl.DataFrame(
                    {
                        "enterprise_id": who,
                        "kind": kind,
                        "level": "",
                        "issuer": "",
                        "source": "officer",
                        "recorded_at": now,
                    }
                )
                .with_columns(
                    pl.concat_str(pl.lit(kind), pl.col("enterprise_id").cast(pl.String)).alias(
                        "certificate_no"
                    ),
                    (pl.date(2021, 1, 1) + pl.duration(days=starts)).alias("valid_from"),
                )
                .with_columns((pl.col("valid_from") + pl.duration(days=3 * 365)).alias("valid_to"))
            )
        columns = [
            "enterprise_id",
            "kind",
            "level",
            "certificate_no",
            "issuer",
            "valid_from",
            "valid_to",
            "source",
            "recorded_at",
        ]
        copy_rows("enterprises_qualification", columns, pl.concat(quals, how="vertical_relaxed"))
        with connection.cursor() as cursor:
            for table in ("enterprises_enterprise",):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE enterprises_enterprise, enterprises_yearfact, enterprises_qualification"
        )


def load_items(m: int, seed: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from qinqing.accounts.models import Organisation, OrgKind
    from qinqing.policies.models import PolicyDocument, PolicyItem, RuleVersion

    rng = random.Random(seed)
    with transaction.atomic():
        PolicyItem.objects.update(current_rule=None)
        RuleVersion.objects.all().delete()
        PolicyItem.objects.all().delete()
        PolicyDocument.objects.all().delete()
        root = Organisation.objects.get(code="330106")
        dept, _ = Organisation.objects.get_or_create(
            code="D-KJJ", defaults={"name": "科技局", "kind": OrgKind.DEPARTMENT, "parent": root}
        )
        document = PolicyDocument.objects.create(
            title="科技企业扶持政策（基准测试）", issuer="区政府", status="published"
        )
        items = PolicyItem.objects.bulk_create(
            [
                PolicyItem(
                    document=document,
                    title=f"事项{i}",
                    kind="subsidy",
                    benefit_kind="fixed",
                    amount=rng.choice([1, 5, 10, 20, 30, 60]),
                    department=dept,
                    contact_name="联系人",
                    contact_phone="0571-00000000",
                    status="published",
                    mode=rng.choice(["auto", "apply"]),
                )
                for i in range(m)
            ]
        )
        now = timezone.now()
        versions = RuleVersion.objects.bulk_create(
            [
                RuleVersion(
                    item=item,
                    number=1,
                    tree=random_rule(rng, i),
                    status="published",
                    published_at=now,
                )
                for i, item in enumerate(items)
            ]
        )
        for item, version in zip(items, versions, strict=True):
            item.current_rule = version
        PolicyItem.objects.bulk_update(items, ["current_rule"], batch_size=1000)


def synthetic_items(m: int, seed: int):  # type: ignore[no-untyped-def]
    """Django set up without a database, and `m` random rules compiled as items: (the
    rule trees, the items, the qualification columns they read)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinqing.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("QINQING_VAR_DIR", str(PROJECT_ROOT / "var" / "bench-policies"))
    import django

    django.setup()
    from qinqing.policies.matching import Compiled
    from qinqing.policies.rules import Benefit, parse

    rng = random.Random(seed)
    trees = [random_rule(rng, i) for i in range(m)]
    items = [
        Compiled(i + 1, i + 1, parse(tree, own_item=i + 1), Benefit("fixed", amount=10.0))
        for i, tree in enumerate(trees)
    ]
    quals = {need.column: need.name for c in items for need in c.needs() if need.kind == "qual"}
    return trees, items, quals


def in_memory(n: int, m: int, seed: int) -> None:
    """The matcher, OpenFisca-Core and plain Polars over the same rules and facts."""
    trees, items, quals = synthetic_items(m, seed)
    import numpy as np
    import polars as pl
    from policy_refs import openfisca_run, plain_polars, synthetic_frame

    from qinqing.policies.matching import evaluate_all

    frame = synthetic_frame(n, seed, quals)
    print(f"enterprises: {n} rows")
    print(f"items: {m} rules")

    def best_of(function, runs: int = 3):  # type: ignore[no-untyped-def]
        times, result = [], None
        for _ in range(runs):
            gc.collect()
            t0 = time.perf_counter()
            result = function()
            times.append(time.perf_counter() - t0)
        return sorted(times)[len(times) // 2], result

    engine_time, engine = best_of(lambda: evaluate_all(frame, items))
    plain_time, _plain = best_of(lambda: plain_polars(frame, items))
    print(f"matcher_eval: {engine_time:.3f} s")
    print(f"plain_polars_eval: {plain_time:.3f} s")
    print(f"matcher_vs_plain_polars_ratio: {engine_time / plain_time:.2f} x")
    print(f"results: {engine.height} pairs (E/A/U)")
    openfisca = openfisca_run(frame, trees)
    if openfisca is None:
        print("openfisca_eval: n/a (OpenFisca-Core not installed: pip install -e '.[bench]')")
        print("matcher_vs_openfisca_ratio: n/a")
        return
    openfisca_time, codes = openfisca
    print(f"openfisca_eval: {openfisca_time:.3f} s")
    print(f"matcher_vs_openfisca_ratio: {engine_time / openfisca_time:.3f} x")
    item_index, row_index = np.nonzero(codes)
    theirs = pl.DataFrame(
        {
            "item_id": item_index.astype(np.int64) + 1,
            "enterprise_id": frame["enterprise_id"].to_numpy()[row_index],
            "outcome": codes[item_index, row_index].astype(np.uint8),
        }
    ).sort("item_id", "enterprise_id")
    ours = engine.select("item_id", "enterprise_id", "outcome").sort("item_id", "enterprise_id")
    print(f"openfisca_agrees: {int(ours.equals(theirs))} (1: same outcome for every pair)")
    differing = (
        ours.join(theirs, on=["item_id", "enterprise_id"], how="full", coalesce=True)
        .filter(pl.col("outcome").ne_missing(pl.col("outcome_right")))
        .height
    )
    # OpenFisca keeps float variables as float32: a figure exactly on a threshold (a
    # growth of exactly 10.00 %) can land a hair below it there
    print(f"openfisca_differing_pairs: {differing} of {ours.height} (float32 in OpenFisca)")


def stream_in_memory(n: int, m: int, seed: int, slice_rows: int) -> None:
    """The streamed run without a database, at any scale: the facts of `slice_rows`
    enterprises at a time drawn in memory (as the full run loads them a slice at a
    time), every item decided over the slice with one compiled plan, and the slice's
    results fingerprinted as the store does before they are dropped. Prints the time,
    the time per million enterprises and the process's peak memory."""
    _trees, items, quals = synthetic_items(m, seed)
    import polars as pl
    from policy_refs import synthetic_frame

    from qinqing.policies.fullstore import fingerprints
    from qinqing.policies.matching import evaluate_all
    from qinqing.policies.plan import Plan
    from qinqing.policies.storing import normalise

    print(f"stream_enterprises: {n} rows in slices of {slice_rows}")
    print(f"stream_items: {m} rules")
    plan, rows, buckets = None, 0, 0
    draw = evaluate = digest = 0.0
    for number, start in enumerate(range(0, n, slice_rows)):
        t0 = time.perf_counter()
        frame = synthetic_frame(min(slice_rows, n - start), seed + number, quals)
        frame = frame.with_columns(pl.col("enterprise_id") + start)
        t1 = time.perf_counter()
        if plan is None:
            plan = Plan(items, frame.columns)
        results = evaluate_all(frame, items, plan=plan)
        t2 = time.perf_counter()
        buckets += len(fingerprints(normalise(results)))
        t3 = time.perf_counter()
        rows += results.height
        draw, evaluate, digest = draw + t1 - t0, evaluate + t2 - t1, digest + t3 - t2
        del frame, results
    print(f"stream_evaluate: {evaluate:.1f} s")
    print(f"stream_evaluate_per_million: {evaluate / (n / 1e6):.2f} s")
    print(f"stream_fingerprint: {digest:.1f} s ({buckets} buckets)")
    print(f"stream_draw_facts: {draw:.1f} s (synthetic facts; not part of matching)")
    print(f"stream_results: {rows} pairs (E/A/U)")
    print(f"stream_peak_rss: {peak_mib():.0f} MiB")


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def cpu_seconds() -> float:
    """CPU time of this process, all its threads (the database server's is not in it)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def phases(label: str, note: str) -> float:
    """A full run again as the background task runs it (fullrun.run_full: streamed,
    storing only what changed), timed by phase; returns the store's seconds."""
    from qinqing.policies.fullrun import run_full
    from qinqing.policies.matching import active_items

    t0, cpu = time.perf_counter(), cpu_seconds()
    report = run_full(active_items())
    elapsed, cpu = time.perf_counter() - t0, cpu_seconds() - cpu
    stats = report.stats
    print(f"# {label}: {note}")
    print(f"{label}: {elapsed:.1f} s")
    print(f"{label}_cpu: {cpu:.1f} s (this process; load average {os.getloadavg()[0]:.1f})")
    print(f"{label}_load_wait: {report.load:.1f} s (facts not yet loaded when needed)")
    print(f"{label}_evaluate: {report.evaluate:.1f} s")
    print(f"{label}_store: {report.store:.1f} s (of which keys and swap: {report.finish:.1f} s)")
    print(f"{label}_peak_rss: {peak_mib():.0f} MiB (process peak so far)")
    print(
        f"{label}_buckets_changed: {stats.buckets_changed} of {stats.buckets_changed + stats.buckets_unchanged}"
    )
    print(f"{label}_rows_deleted: {stats.deleted} rows")
    print(f"{label}_rows_inserted: {stats.inserted} rows")
    return report.store


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--reload", action="store_true", help="reload enterprises even if present")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--mode",
        choices=["memory", "full", "both", "stream"],
        default="memory",
        help="stream: the streamed run in memory at any scale (e.g. 5,000,000), with peak RSS",
    )
    parser.add_argument("--slice", type=int, default=262_144, help="stream: rows per slice")
    args = parser.parse_args()
    if args.mode == "stream":
        stream_in_memory(args.enterprises, args.items, args.seed, args.slice)
        return
    if args.mode in ("memory", "both"):
        in_memory(args.enterprises, args.items, args.seed)
    if args.mode == "memory":
        return
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("bench/policies.py needs PostgreSQL (DATABASE_URL=postgres://...)")
    prepare_database(url)
    setup_django(url)

    from django.db.models import Count

    from qinqing.enterprises.models import Enterprise
    from qinqing.policies import services
    from qinqing.policies.matching import active_items, answers_for
    from qinqing.policies.models import MatchResult, MatchRun

    started = time.perf_counter()
    if args.reload or Enterprise.objects.count() != args.enterprises:
        load_enterprises(args.enterprises, args.seed)
    load_items(args.items, args.seed)
    print(f"setup_load: {time.perf_counter() - started:.1f} s")
    print(f"enterprises: {Enterprise.objects.count()} rows")
    print(f"items: {args.items} rules")

    from django.db import connection

    with connection.cursor() as cursor:  # the first run: nothing stored yet
        cursor.execute("TRUNCATE policies_matchresult, policies_matchdigest")
    run = MatchRun.objects.create(scope="full")
    started, cpu = time.perf_counter(), cpu_seconds()
    run = services.run_full_match(run.pk)
    elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    peak = peak_mib()
    print(f"full_run_cpu: {cpu:.1f} s (this process; load average {os.getloadavg()[0]:.1f})")
    stored = MatchResult.objects.count()
    counts = dict(MatchResult.objects.values_list("outcome").annotate(n=Count("enterprise_id")))
    print(f"full_run: {elapsed:.1f} s")
    print(f"full_run_peak_rss: {peak:.0f} MiB")
    print(f"pairs_evaluated: {args.enterprises * args.items / 1e9:.2f} billion")
    print(f"results_stored: {stored} rows")
    print(f"eligible: {counts.get('E', 0)} pairs")
    print(f"almost: {counts.get('A', 0)} pairs")
    print(f"cannot_decide: {counts.get('U', 0)} pairs")
    with connection.cursor() as cursor:  # the first run's work again, timed by phase
        cursor.execute("TRUNCATE policies_matchdigest")
    store = phases("rebuild_run", "no fingerprints stored: the table rebuilt, as in the first run")
    reference, rows = store_reference()
    print(
        f"store_reference: {reference:.1f} s (PostgreSQL alone, {rows} rows: COPY, keys, ANALYZE)"
    )
    print(f"rebuild_store_vs_reference: {store / reference:.2f} x")
    phases("second_run", "facts unchanged since the first run")
    with connection.cursor() as cursor:  # 1% of enterprises report a new 2025 revenue
        cursor.execute(
            "UPDATE enterprises_yearfact SET revenue = revenue * 1.5 "
            "WHERE year = 2025 AND source = 'stats' AND enterprise_id % 100 = 7"
        )
    phases("third_run", "1% of enterprises with a changed 2025 revenue")

    active_items()  # warm the per-process rule cache, as a running web process has it

    def sample(label: str) -> None:
        rng = random.Random(args.seed)
        samples = []
        for _ in range(200):
            enterprise_id = rng.randint(1, args.enterprises)
            t0 = time.perf_counter()
            answers_for(enterprise_id)
            samples.append((time.perf_counter() - t0) * 1000)
        samples.sort()
        print(f"one_enterprise{label}_p50: {samples[len(samples) // 2]:.1f} ms")
        print(f"one_enterprise{label}_p99: {samples[int(len(samples) * 0.99) - 1]:.1f} ms")

    sample("")
    # Long-lived web workers usually freeze the start-up heap (gc.freeze() after loading,
    # e.g. in gunicorn's post_fork) so the cyclic GC stops rescanning it; measured too.
    gc.collect()
    gc.freeze()
    sample("_gc_frozen")


if __name__ == "__main__":
    main()
