"""Appeals closed-loop benchmark on PostgreSQL.

Run from the project root: `python bench/appeals.py` (DATABASE_URL defaults to
postgres://postgres@127.0.0.1:5432/qinqing_bench_appeals; the database is dropped, created
and migrated here unless BENCH_KEEP=1 finds it already loaded). `--appeals N` (or
BENCH_APPEALS, default 1,000,000) sets the scale, `--intake R` the number of intake
requests, `--only intake` skips the pages, metrics and sweep, `--profile R` first runs R
intakes in-process (Django's test client): SQL statements per request, wall and CPU
time per request, and a cProfile of where the CPU goes (`--only profile`: nothing else). The parts live in
bench/_appeals_load.py (loading), bench/_appeals_intake.py (reference, intake, profile).

What it loads: one district with 10 streets and 30 departments (a handler each), a
supervisor and a leader; 20,000 enterprises; BENCH_APPEALS appeals spread over the last
two years (1% still open, the rest closed with outcomes), one lead assignment each,
three timeline events per closed appeal and two per open one, and the running clocks of
the open appeals. Rows are generated inside PostgreSQL (INSERT ... SELECT
generate_series) to keep the load within a few minutes on two cores.

What it measures (one figure per line, `name: value unit`):
0. the reference: pgbench (or, without it, the same statements through psycopg from as
   many client threads) running one transaction that inserts an appeal, its event and
   its clock row into tables of the same shape (CREATE TABLE ... LIKE the real ones,
   indexes and unique constraints included), same client count, for a few seconds;
   `intake_ratio` is intake throughput ÷ that reference;
1. intake through the JSON API (POST /api/v1/appeals/ with Idempotency-Key) against a
   real gunicorn server on 127.0.0.1 started with the project's gunicorn.conf.py (as in
   production), 16 concurrent keep-alive clients: wrk, a C client with 2 threads like
   pgbench's `-j 2`, for BENCH_INTAKE_SECONDS (10) after a warm-up, where wrk is
   installed (bench/_appeals_wrk.py), else Python threads sending BENCH_INTAKE requests;
   throughput, p50, p99 and the server's and the client's CPU per request; before it,
   in the same server, the framework floor: an authenticated JSON endpoint that does no work (GET /api/v1/me:
   the same middleware, token check and throttle, no database), and
   `intake_vs_floor_ratio`, how close intake comes to what Django + gunicorn serve here;
2. worklist, supervisor board and ledger pages (first page, filtered, text search)
   rendered in-process through Django's test client (no HTTP), p50 and p99;
3. metrics.compute for a month and for a year (all, and per department);
4. the deadline sweep over the open appeals' clocks: the first run catches up the whole
   backlog (every ladder step every loaded clock has already crossed), the second run is
   what the periodic job costs in steady state.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/qinqing_bench_appeals"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinqing.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("QINQING_VAR_DIR", str(Path(tempfile.gettempdir()) / "qq-bench-appeals"))
os.environ.setdefault("SECURE_HTTPS", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# One API key sends every request: a limit far above the load keeps the counting (its
# cost is part of a request) without refusing any.
os.environ.setdefault("API_RATE_LIMIT_PER_MINUTE", "10000000")

N = int(os.environ.get("BENCH_APPEALS", "1000000"))
INTAKE_REQUESTS = int(os.environ.get("BENCH_INTAKE", "3000"))
PAGE_REPS = 30

from _appeals_common import figure, pct  # noqa: E402 - after the environment is set
from _appeals_intake import intake_bench, profile_intake, reference_bench  # noqa: E402
from _appeals_load import already_loaded, counts, load, recreate_database  # noqa: E402


# --- pages --------------------------------------------------------------------------------
def pages_bench() -> None:
    from django.test import Client

    from qinqing.accounts.models import User
    from qinqing.appeals.models import Category

    def timed(name: str, client: Client, url: str, params: dict[str, str] | None = None) -> None:
        client.get(url, params or {})  # warm
        samples = []
        for _ in range(PAGE_REPS):
            t0 = time.perf_counter()
            response = client.get(url, params or {})
            samples.append(time.perf_counter() - t0)
            assert response.status_code == 200, (name, response.status_code)
        figure(f"{name}_p50", pct(samples, 50) * 1000, "ms")
        figure(f"{name}_p99", pct(samples, 99) * 1000, "ms")

    handler, supervisor, leader = (
        User.objects.get(username=u) for u in ("handler1", "supervisor", "leader")
    )
    clients = {}
    for user in (handler, supervisor, leader):
        c = Client()
        c.force_login(user)
        clients[user.username] = c
    timed("worklist", clients["handler1"], "/appeals/worklist/")
    timed("board", clients["supervisor"], "/appeals/board/")
    timed("ledger", clients["leader"], "/appeals/ledger/")
    timed("ledger_page_20", clients["leader"], "/appeals/ledger/", {"page": "20"})
    dept = handler.memberships.first().organisation_id  # type: ignore[union-attr]
    timed(
        "ledger_filtered",
        clients["leader"],
        "/appeals/ledger/",
        {"department": str(dept), "status": "closed", "channel": "phone", "start": "2025-01-01"},
    )
    timed("ledger_search_4chars", clients["leader"], "/appeals/ledger/", {"q": "供水管道"})
    timed("ledger_search_2chars", clients["leader"], "/appeals/ledger/", {"q": "停电"})
    timed("ledger_handler_scope", clients["handler1"], "/appeals/ledger/")
    assert Category.objects.exists()


def metrics_bench() -> None:
    import datetime as dt

    from django.utils import timezone

    from qinqing.appeals import metrics

    today = timezone.localdate()
    month_start = today.replace(day=1)
    year_start = today - dt.timedelta(days=365)
    for label, start in (("month", month_start), ("year", year_start)):
        for group in (None, "department"):
            metrics.compute(start, today + dt.timedelta(days=1), group_by=group)  # warm
            t0 = time.perf_counter()
            rows = metrics.compute(start, today + dt.timedelta(days=1), group_by=group)
            elapsed = time.perf_counter() - t0
            figure(f"metrics_{label}_{group or 'all'}", elapsed * 1000, "ms")
            if group is None and rows:
                figure(f"metrics_{label}_registered", rows[0].registered, "appeals")


def sweep_bench() -> None:
    from qinqing.appeals.services import sweep_deadlines

    for run in ("first", "second"):
        t0 = time.perf_counter()
        sent = sweep_deadlines()
        figure(f"sweep_{run}_run", time.perf_counter() - t0, "s")
        figure(f"sweep_{run}_steps_sent", sent, "steps")


def parse_args() -> argparse.Namespace:
    global N, INTAKE_REQUESTS
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--appeals", type=int, default=N, help="appeals loaded (scale)")
    parser.add_argument("--intake", type=int, default=INTAKE_REQUESTS, help="intake requests")
    parser.add_argument(
        "--only",
        choices=["intake", "profile"],
        help="measure the intake only (or only profile it in-process, with --profile R)",
    )
    parser.add_argument(
        "--profile", type=int, default=0, metavar="R", help="profile R in-process intakes first"
    )
    args = parser.parse_args()
    N, INTAKE_REQUESTS = args.appeals, args.intake
    return args


def main() -> None:
    args = parse_args()
    url = os.environ["DATABASE_URL"]
    keep = os.environ.get("BENCH_KEEP") == "1" and already_loaded(url, N)
    if not keep:
        recreate_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from qinqing.accounts.models import ApiToken, User
    from qinqing.accounts.services import create_api_token

    figure("appeals_target", N, "rows")
    # production shares Redis (credential cache, rate counts); without it they are per process
    figure("redis", 1 if os.environ.get("REDIS_URL") else 0, "(1: REDIS_URL set, as in production)")
    if keep:
        intake = User.objects.get(username="intake")
        ApiToken.objects.filter(user=intake).delete()
        raw_key = create_api_token(intake, name="bench", actor=None)[1]
    else:
        raw_key = str(load(N)["raw_key"])
    counts()
    if args.profile:
        profile_intake(raw_key, args.profile)
    if args.only == "profile":
        return
    reference = reference_bench()
    throughput, _ = intake_bench(raw_key, INTAKE_REQUESTS)
    figure("intake_ratio", throughput / reference, "of the reference")
    if args.only == "intake":
        return
    pages_bench()
    metrics_bench()
    sweep_bench()


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    figure("bench_total", time.perf_counter() - started, "s")
