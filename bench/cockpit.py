"""Cockpit (驾驶舱) benchmark on PostgreSQL.

Run from the project root: `python bench/cockpit.py` (DATABASE_URL defaults to
postgres://postgres@127.0.0.1:5432/qq_bench_cockpit; the database is dropped, created and
migrated here unless BENCH_KEEP=1 finds it already loaded). BENCH_ROWS (default
1,000,000) sets the scale.

What it loads: one district with 10 streets, 30 departments and 20 windows, 10 top-level
and 50 second-level appeal categories, a leader; BENCH_ROWS appeals received over the
last 365 days (2% still open, half of those overdue; the rest closed with outcomes:
on-time flags, call-back result, five-level rating), and BENCH_ROWS rated service events
(好差评) over the same year with their 差评 rectification cases. Rows are generated inside
PostgreSQL (INSERT ... SELECT generate_series) into the real tables.

What it measures (one figure per line, `name: value unit`):
1. the rollup rebuild for the whole year and for the rolling 60 days (what the periodic
   huey task runs every 10 minutes), in seconds;
2. the overview page /analytics/cockpit/ for a leader, rendered in-process through
   Django's test client, with the process cache cleared before every request: the
   standard view (this year to date, precomputed by the refresh), a custom period (the
   last 365 days, aggregated from the rollups on every request), and the same again from
   the process cache; p50/p99 of BENCH_REPS requests each;
3. for comparison, the same headline figures aggregated directly on the appeals table.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/qq_bench_cockpit"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinqing.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("QINQING_VAR_DIR", str(PROJECT_ROOT / "var" / "bench-cockpit"))
os.environ.setdefault("SECURE_HTTPS", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

N = int(os.environ.get("BENCH_ROWS", "1000000"))
REPS = int(os.environ.get("BENCH_REPS", "40"))


def figure(name: str, value: float | int, unit: str) -> None:
    text = f"{value:.3f}" if isinstance(value, float) else str(value)
    print(f"{name}: {text} {unit}", flush=True)


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def recreate_database(url: str) -> bool:
    """Drop and create the bench database; False when BENCH_KEEP=1 and it exists."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and os.environ.get("BENCH_KEEP") == "1":
            return False
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return True


def seed_reference_data() -> dict:
    from qinqing.accounts.models import Membership, Organisation, OrgKind, Role, User
    from qinqing.appeals.models import Category

    district = Organisation.objects.create(code="511602", name="广安区", kind=OrgKind.DIVISION)
    for i in range(10):
        Organisation.objects.create(
            code=f"511602{i + 1:03d}", name=f"第{i + 1}街道", kind=OrgKind.DIVISION, parent=district
        )
    depts = [
        Organisation.objects.create(
            code=f"D-{i:02d}", name=f"部门{i:02d}", kind=OrgKind.DEPARTMENT, parent=district
        )
        for i in range(30)
    ]
    for i in range(20):
        Organisation.objects.create(
            code=f"W-{i:02d}", name=f"窗口{i:02d}", kind=OrgKind.WINDOW, parent=depts[i]
        )
    for i in range(10):
        top = Category.objects.create(code=f"C{i:02d}", name=f"分类{i:02d}")
        for j in range(5):
            Category.objects.create(code=f"C{i:02d}-{j}", name=f"子类{i:02d}-{j}", parent=top)
    leader = User.objects.create_user(
        username="bench-leader", password="x-Bench-2026!", full_name="领导"
    )
    Membership.objects.create(user=leader, organisation=district, role=Role.LEADER)
    return {"leader": leader}


def load_rows() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT min(id), max(id) FROM accounts_organisation WHERE kind = 'division'")
        div_lo, div_hi = cur.fetchone()
        cur.execute(
            "SELECT array_agg(id ORDER BY id) FROM accounts_organisation WHERE kind = 'department'"
        )
        depts = cur.fetchone()[0]
        cur.execute(
            "SELECT array_agg(id ORDER BY id) FROM accounts_organisation WHERE kind = 'window'"
        )
        windows = cur.fetchone()[0]
        cur.execute(
            "SELECT array_agg(id ORDER BY id) FROM appeals_category WHERE parent_id IS NOT NULL"
        )
        cats = cur.fetchone()[0]
        started = time.perf_counter()
        cur.execute(
            """
            INSERT INTO appeals_appeal (
                number, type, channel, category_id, title, description, requester_name,
                requester_phone, address, division_id, lead_department_id, status,
                suspended_from, next_due_at, reply_result, reply_text, callback_solved, rating,
                ack_on_time, contact_on_time, closed_on_time, reopen_count, return_count,
                replied_at, closed_at, close_workdays, search_text, created_at, updated_at)
            SELECT 'B' || lpad(g::text, 8, '0'), 'appeal', 'phone',
                   (%(cats)s::bigint[])[1 + (g * 7) %% array_length(%(cats)s::bigint[], 1)],
                   '企业诉求', '用电用水问题', '张三', '13800000000', '',
                   %(div_lo)s + (g * 13) %% (%(div_hi)s - %(div_lo)s + 1),
                   (%(depts)s::bigint[])[1 + (g * 31) %% array_length(%(depts)s::bigint[], 1)],
                   CASE WHEN g %% 50 = 0 THEN 'handling' ELSE 'closed' END, '',
                   CASE WHEN g %% 50 = 0 THEN now() + ((g %% 7) - 3) * interval '1 day' END,
                   CASE WHEN g %% 50 = 0 THEN '' ELSE 'solved' END, '',
                   CASE WHEN g %% 50 = 0 THEN NULL ELSE g %% 11 <> 0 END,
                   CASE WHEN g %% 50 = 0 THEN ''
                        ELSE (ARRAY['very_satisfied','satisfied','satisfied','basic','unsatisfied',
                                    'very_satisfied','satisfied','very_satisfied','satisfied',
                                    'very_unsatisfied'])[1 + g %% 10] END,
                   g %% 19 <> 0, g %% 23 <> 0,
                   CASE WHEN g %% 50 = 0 THEN NULL ELSE g %% 13 <> 0 END, 0, 0,
                   NULL, NULL, NULL, '', ts, ts
            FROM (SELECT g, now() - (random() * 365) * interval '1 day' AS ts
                  FROM generate_series(1, %(n)s) AS g) AS s
            """,
            {"cats": cats, "div_lo": div_lo, "div_hi": div_hi, "depts": depts, "n": N},
        )
        figure("load_appeals_seconds", time.perf_counter() - started, "s")
        started = time.perf_counter()
        cur.execute(
            """
            INSERT INTO ratings_serviceevent (
                created_at, updated_at, kind, reference, matter, department_id, window_id,
                served_phone_masked, occurred_at, token)
            SELECT ts, ts, 'window', 'bench:' || g, '事项' || (g %% 40),
                   (%(depts)s::bigint[])[1 + (g * 17) %% array_length(%(depts)s::bigint[], 1)],
                   CASE WHEN g %% 3 = 0 THEN (%(windows)s::bigint[])[1 + g %% array_length(%(windows)s::bigint[], 1)] END,
                   '', ts, md5(g::text)
            FROM (SELECT g, now() - (random() * 365) * interval '1 day' AS ts
                  FROM generate_series(1, %(n)s) AS g) AS s
            """,
            {"depts": depts, "windows": windows, "n": N},
        )
        cur.execute(
            """
            INSERT INTO ratings_rating (
                created_at, updated_at, event_id, level, tags, comment, channel, rated_at,
                department_id, window_id, matter, is_bad, excluded)
            SELECT e.occurred_at, e.occurred_at, e.id, lv, '[]'::jsonb, '', 'qr', e.occurred_at,
                   e.department_id, e.window_id, e.matter, lv <= 2, false
            FROM (SELECT *, CASE WHEN id % 97 = 0 THEN 1 WHEN id % 89 = 0 THEN 2
                                 WHEN id % 7 = 0 THEN 3 WHEN id % 2 = 0 THEN 4 ELSE 5 END AS lv
                  FROM ratings_serviceevent) AS e
            """
        )
        cur.execute(
            """
            INSERT INTO ratings_rectification (
                created_at, updated_at, rating_id, status, due_at, verification_note,
                rectification_note, callback_outcome, callback_note, rectified_at, called_back_at)
            SELECT rated_at, rated_at, id,
                   (ARRAY['open','verified','rectified','closed','closed'])[1 + id % 5],
                   rated_at + interval '7 days', '', '', '', '',
                   CASE WHEN id % 5 >= 2 THEN rated_at + interval '3 days' END,
                   CASE WHEN id % 5 >= 3 THEN rated_at + interval '5 days' END
            FROM ratings_rating WHERE is_bad
            """
        )
        figure("load_ratings_seconds", time.perf_counter() - started, "s")
        cur.execute("SET session_replication_role = origin")
        cur.execute("ANALYZE")


def main() -> None:
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("bench/cockpit.py needs PostgreSQL (DATABASE_URL=postgres://...)")
    fresh = recreate_database(url)
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from qinqing.accounts.models import User
    from qinqing.analytics import cockpit
    from qinqing.analytics.models import AppealDaily, RatingDaily
    from qinqing.appeals.models import Appeal
    from qinqing.ratings.models import Rating

    call_command("migrate", verbosity=0)
    if fresh:
        seed_reference_data()
        load_rows()
    leader = User.objects.get(username="bench-leader")
    figure("appeals", Appeal.objects.count(), "rows")
    figure("ratings", Rating.objects.count(), "rows")

    today = timezone.localdate()
    import datetime as dt

    started = time.perf_counter()
    cockpit.refresh_rollups(today - dt.timedelta(days=366), today)
    figure("rollup_rebuild_year_seconds", time.perf_counter() - started, "s")
    started = time.perf_counter()
    cockpit.refresh_rollups()
    figure("rollup_rebuild_60_days_seconds", time.perf_counter() - started, "s")
    figure("rollup_rows_appeals", AppealDaily.objects.count(), "rows")
    figure("rollup_rows_ratings", RatingDaily.objects.count(), "rows")

    from qinqing.analytics.models import OverviewSnapshot

    client = Client()
    client.force_login(leader)

    def timed(url: str, *, drop_snapshots: bool) -> list[float]:
        assert client.get(url).status_code == 200
        samples = []
        for _ in range(REPS):
            cache.clear()  # as a fresh web process: nothing in its local cache
            if drop_snapshots:
                OverviewSnapshot.objects.all().delete()
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        return samples

    # The standard view (this year to date): served from the snapshot the refresh made.
    default = timed("/analytics/cockpit/", drop_snapshots=False)
    figure("cockpit_overview_default_p50_ms", statistics.median(default), "ms")
    figure("cockpit_overview_default_p99_ms", percentile(default, 99), "ms")
    # Any other period: aggregated from the rollups on every request.
    custom_url = f"/analytics/cockpit/?start={today - dt.timedelta(days=365)}&end={today}"
    custom = timed(custom_url, drop_snapshots=True)
    figure("cockpit_overview_custom_period_p50_ms", statistics.median(custom), "ms")
    figure("cockpit_overview_custom_period_p99_ms", percentile(custom, 99), "ms")
    cached: list[float] = []
    for _ in range(REPS):
        started = time.perf_counter()
        client.get(custom_url)
        cached.append((time.perf_counter() - started) * 1000)
    figure("cockpit_overview_cached_p50_ms", statistics.median(cached), "ms")
    figure("cockpit_overview_cached_p99_ms", percentile(cached, 99), "ms")

    # What the rollups save: the headline figures straight from the appeals table.
    start_dt = timezone.now() - dt.timedelta(days=365)
    samples = []
    for _ in range(3):
        started = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(
                "SELECT count(*), count(*) FILTER (WHERE status <> 'closed'),"
                " count(*) FILTER (WHERE ack_on_time), count(*) FILTER (WHERE closed_on_time),"
                " count(*) FILTER (WHERE rating IN ('very_satisfied','satisfied','basic')),"
                " count(*) FILTER (WHERE rating <> ''), lead_department_id"
                " FROM appeals_appeal WHERE created_at >= %s GROUP BY lead_department_id",
                [start_dt],
            )
            cur.fetchall()
        samples.append((time.perf_counter() - started) * 1000)
    figure("direct_appeal_aggregate_by_department_ms", statistics.median(samples), "ms")
    state = cockpit.freshness()
    age = (timezone.now() - state["appeals"]).total_seconds()
    figure("data_age_at_end_of_run_seconds", age, "s")


if __name__ == "__main__":
    main()
