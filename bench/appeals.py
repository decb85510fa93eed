"""Appeals closed-loop benchmark on PostgreSQL.

Run from the project root: `python bench/appeals.py` (DATABASE_URL defaults to
postgres://postgres@127.0.0.1:5432/qinqing_bench_appeals; the database is dropped, created
and migrated here unless BENCH_KEEP=1 finds it already loaded). `--appeals N` (or
BENCH_APPEALS, default 1,000,000) sets the scale, `--intake R` the number of intake
requests, `--only intake` skips the pages, metrics and sweep.

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
   real gunicorn server on 127.0.0.1 (4 sync workers), 16 concurrent keep-alive
   clients, BENCH_INTAKE requests: throughput, p50, p99;
2. worklist, supervisor board and ledger pages (first page, filtered, text search)
   rendered in-process through Django's test client (no HTTP), p50 and p99;
3. metrics.compute for a month and for a year (all, and per department);
4. the deadline sweep over the open appeals' clocks: the first run catches up the whole
   backlog (every ladder step every loaded clock has already crossed), the second run is
   what the periodic job costs in steady state.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

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

N = int(os.environ.get("BENCH_APPEALS", "1000000"))
OPEN = max(N // 100, 100)
INTAKE_REQUESTS = int(os.environ.get("BENCH_INTAKE", "3000"))
CLIENTS = 16
PAGE_REPS = 30
PORT = int(os.environ.get("BENCH_PORT", "8105"))
REFERENCE_SECONDS = 10


def figure(name: str, value: float | int, unit: str) -> None:
    digits = 3 if name.endswith("_ratio") else 2
    text = f"{value:.{digits}f}" if isinstance(value, float) else str(value)
    print(f"{name}: {text} {unit}", flush=True)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def already_loaded(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT count(*) FROM appeals_appeal").fetchone()
            return bool(row and row[0] >= N)
    except psycopg.Error:
        return False


# --- loading ---------------------------------------------------------------------------
TITLES = [
    "厂区停电",
    "供水管道破裂",
    "用工招聘难",
    "贷款审批慢",
    "土地证办理",
    "消防验收",
    "道路积水",
    "网络信号差",
    "账款拖欠",
    "执法检查频繁",
    "税费咨询",
    "政策兑现延迟",
    "天然气报装",
    "排污许可",
    "厂房租金",
    "物流通道拥堵",
    "人才公寓申请",
    "专精特新申报",
    "电力增容",
    "噪音投诉",
]
DETAILS = [
    "已持续三天影响生产",
    "多次反映未解决",
    "请尽快协调",
    "企业损失较大",
    "希望明确办理时限",
    "涉及员工两百人",
    "请相关部门现场查看",
    "需要政策解读",
    "影响订单交付",
    "请求帮助协调",
]


def load(stdout: bool = True) -> dict[str, object]:
    from django.db import connection

    from qinqing.accounts.models import Membership, Organisation, OrgKind, Role, User
    from qinqing.accounts.services import create_api_token
    from qinqing.enterprises.models import Enterprise
    from qinqing.lib.uscc import make_uscc

    started = time.perf_counter()
    district = Organisation.objects.create(code="500118", name="永川区", kind=OrgKind.DIVISION)
    streets = [
        Organisation.objects.create(
            code=f"500118{i:03d}", name=f"第{i}街道", kind=OrgKind.DIVISION, parent=district
        )
        for i in range(1, 11)
    ]
    depts = [
        Organisation.objects.create(
            code=f"D{i:02d}", name=f"部门{i}", kind=OrgKind.DEPARTMENT, parent=district
        )
        for i in range(1, 31)
    ]

    def person(username: str, role: str, org: Organisation) -> User:
        user = User.objects.create_user(username=username, password=None, full_name=username)
        Membership.objects.create(user=user, organisation=org, role=role)
        return user

    person("handler1", Role.HANDLER, depts[0])
    for i, dept in enumerate(depts[1:], start=2):
        person(f"handler{i}", Role.HANDLER, dept)
    supervisor = person("supervisor", Role.SUPERVISOR, district)
    person("leader", Role.LEADER, district)
    intake = person("intake", Role.INTAKE_OPERATOR, district)
    _token, raw_key = create_api_token(intake, name="bench", actor=None)
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                uscc=make_uscc(f"91500118{i:09d}"),
                name=f"永川企业{i:05d}有限公司",
                division=streets[i % 10],
            )
            for i in range(20_000)
        ],
        batch_size=5000,
    )
    ent_lo, ent_hi = (
        Enterprise.objects.order_by("id").values_list("id", flat=True).first(),
        Enterprise.objects.order_by("-id").values_list("id", flat=True).first(),
    )
    street_ids = "ARRAY[" + ",".join(str(s.pk) for s in streets) + "]"
    dept_ids = "ARRAY[" + ",".join(str(d.pk) for d in depts) + "]"
    titles = "ARRAY[" + ",".join(f"'{t}'" for t in TITLES) + "]"
    details = "ARRAY[" + ",".join(f"'{d}'" for d in DETAILS) + "]"
    open_states = "ARRAY['registered','dispatched','dispatched','dispatched','acknowledged','acknowledged','handling','handling','handling','replied']"
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '512MB'")
        # Secondary indexes are built once after the load (much faster than row by row).
        cur.execute(
            """
            SELECT indexname, indexdef FROM pg_indexes
            WHERE tablename IN ('appeals_appeal', 'appeals_appealevent', 'appeals_assignment',
                                'appeals_clock')
              AND indexname NOT IN (SELECT conname FROM pg_constraint)
            """
        )
        secondary = cur.fetchall()
        for name, _definition in secondary:
            cur.execute(f'DROP INDEX "{name}"')
        cur.execute(
            f"""
            INSERT INTO appeals_appeal (
              id, created_at, updated_at, number, type, channel, category_id, title, description,
              enterprise_id, requester_name, requester_phone, address, lat, lon, division_id,
              lead_department_id, status, suspended_from, duplicate_of_id, created_by_id,
              idempotency_key, next_due_at, reply_result, reply_text, callback_solved, rating,
              ack_on_time, contact_on_time, closed_on_time, reopen_count, return_count,
              replied_at, closed_at, close_workdays, search_text)
            SELECT g, ts, ts,
              '500118' || extract(year FROM ts)::int || lpad(g::text, 8, '0'),
              (ARRAY['appeal','complaint','inquiry','suggestion','help'])[1 + g % 5],
              (ARRAY['phone','portal','window','letter','visit','liaison','api','open311'])[1 + g % 8],
              NULL, title, title || '，' || detail,
              {ent_lo} + (g % ({ent_hi} - {ent_lo} + 1)),
              '联系人' || (g % 1000), '138' || lpad((g % 100000000)::text, 8, '0'), '永川区某路' || (g % 500) || '号',
              NULL, NULL, ({street_ids})[1 + (g / 7) % 10],
              CASE WHEN st = 'registered' THEN NULL ELSE ({dept_ids})[1 + g % 30] END,
              st, '', NULL, {intake.pk}, NULL,
              CASE WHEN st IN ('dispatched','acknowledged','handling','replied')
                   THEN ts + interval '1 day' * (1 + g % 5) END,
              CASE WHEN st IN ('closed','replied') THEN (ARRAY['solved','solved','partly','cannot'])[1 + g % 4] ELSE '' END,
              CASE WHEN st IN ('closed','replied') THEN '已办理' ELSE '' END,
              CASE WHEN st = 'closed' THEN g % 15 <> 0 END,
              CASE WHEN st = 'closed' THEN (ARRAY['very_satisfied','satisfied','satisfied','basic','unsatisfied','very_satisfied','satisfied','very_unsatisfied'])[1 + g % 8] ELSE '' END,
              CASE WHEN st NOT IN ('registered','dispatched') THEN g % 50 <> 0 END,
              CASE WHEN st IN ('closed','replied') THEN g % 20 <> 0 END,
              CASE WHEN st = 'closed' THEN g % 12 <> 0 END,
              (g % 40 = 0)::int, (g % 30 = 0)::int,
              CASE WHEN st IN ('closed','replied') THEN ts + interval '3 days' END,
              CASE WHEN st = 'closed' THEN ts + interval '6 days' END,
              CASE WHEN st = 'closed' THEN 2 + g % 9 END,
              lower('500118' || extract(year FROM ts)::int || lpad(g::text, 8, '0') || ' ' || title || ' ' || title || '，' || detail)
            FROM (
              SELECT g,
                now() - ((({N} - g)::float / {N}) * interval '730 days') AS ts,
                CASE WHEN g > {N - OPEN} THEN ({open_states})[1 + g % 10] ELSE 'closed' END AS st,
                ({titles})[1 + g % {len(TITLES)}] || ({titles})[1 + (g / 97) % {len(TITLES)}] AS title,
                ({details})[1 + (g / 13) % {len(DETAILS)}] AS detail
              FROM generate_series(1, {N}) g
            ) s
            """
        )
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('appeals_appeal','id'), (SELECT max(id) FROM appeals_appeal))"
        )
        cur.execute(
            f"""
            INSERT INTO appeals_assignment (created_at, updated_at, appeal_id, department_id, role,
                                            state, reason, assigned_by_id)
            SELECT created_at, created_at, id, lead_department_id, 'lead',
              CASE status WHEN 'closed' THEN 'closed' WHEN 'dispatched' THEN 'pending'
                          WHEN 'replied' THEN 'replied' ELSE 'acknowledged' END, '', {intake.pk}
            FROM appeals_appeal WHERE lead_department_id IS NOT NULL
            """
        )
        cur.execute(
            f"""
            INSERT INTO appeals_appealevent (at, actor_id, kind, from_state, to_state, note, data,
                                             appeal_id, staff_only)
            SELECT created_at, {intake.pk}, 'registered', '', 'registered', '', '{{}}'::jsonb, id, false
              FROM appeals_appeal
            UNION ALL
            SELECT created_at + interval '1 hour', {intake.pk}, 'dispatched', 'registered',
                   'dispatched', '', '{{}}'::jsonb, id, false
              FROM appeals_appeal WHERE status <> 'registered'
            UNION ALL
            SELECT closed_at, {supervisor.pk}, 'closed', 'called_back', 'closed', '', '{{}}'::jsonb, id,
                   false
              FROM appeals_appeal WHERE status = 'closed'
            """
        )
        cur.execute(
            """
            INSERT INTO appeals_clock (appeal_id, kind, cycle, limit_days, started_at, due_at,
                                       paused_at, paused_total, stopped_at, extended_days,
                                       warning_level)
            SELECT id, CASE status WHEN 'dispatched' THEN 'acknowledge' WHEN 'replied' THEN 'callback'
                                   ELSE 'reply' END,
                   0, 5, created_at, next_due_at, NULL, NULL, NULL, 0, 0
            FROM appeals_appeal WHERE next_due_at IS NOT NULL
            """
        )
        for _name, definition in secondary:
            cur.execute(definition)
        cur.execute("VACUUM ANALYZE")
    figure("load_time", time.perf_counter() - started, "s")
    return {"raw_key": raw_key}


def counts() -> None:
    from qinqing.appeals.models import Appeal, AppealEvent, Assignment, Clock

    figure("appeals", Appeal.objects.count(), "rows")
    figure("events", AppealEvent.objects.count(), "rows")
    figure("assignments", Assignment.objects.count(), "rows")
    figure("running_clocks", Clock.objects.filter(stopped_at__isnull=True).count(), "rows")


# --- reference: the database doing the intake's three inserts -----------------------------
REFERENCE_SQL = """
\\set n random(1, 999999999999)
BEGIN;
INSERT INTO bench_ref_appeal (
  created_at, updated_at, number, type, channel, category_id, title, description,
  enterprise_id, requester_name, requester_phone, address, lat, lon, division_id,
  lead_department_id, status, suspended_from, duplicate_of_id, created_by_id,
  idempotency_key, next_due_at, reply_result, reply_text, callback_solved, rating,
  ack_on_time, contact_on_time, closed_on_time, reopen_count, return_count,
  replied_at, closed_at, close_workdays, search_text)
VALUES (now(), now(), 'R' || :client_id || '-' || :n, 'appeal', 'phone', NULL, '厂区停电',
  '基准测试诉求：已持续三天影响生产', NULL, '基准', '13800000000', '', NULL, NULL, 1, NULL,
  'registered', '', NULL, NULL, 'k' || :client_id || '-' || :n, now() + interval '1 day', '',
  '', NULL, '', NULL, NULL, NULL, 0, 0, NULL, NULL, NULL,
  'r' || :n || ' 厂区停电 基准测试诉求：已持续三天影响生产')
RETURNING id AS appeal_id \\gset
INSERT INTO bench_ref_event (at, actor_id, kind, from_state, to_state, note, data, appeal_id,
  staff_only)
VALUES (now(), NULL, 'registered', '', 'registered', '', '{}'::jsonb, :appeal_id, false);
INSERT INTO bench_ref_clock (appeal_id, kind, cycle, limit_days, started_at, due_at, paused_at,
  paused_total, stopped_at, extended_days, warning_level)
VALUES (:appeal_id, 'acknowledge', 0, 1, now(), now() + interval '1 day', NULL, NULL, NULL, 0,
  0);
END;
"""


def create_reference_tables() -> None:
    """Empty tables shaped like the real ones (columns, defaults, indexes, uniques)."""
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        for ref, real in (
            ("bench_ref_appeal", "appeals_appeal"),
            ("bench_ref_event", "appeals_appealevent"),
            ("bench_ref_clock", "appeals_clock"),
        ):
            conn.execute(f"DROP TABLE IF EXISTS {ref}")
            conn.execute(f"CREATE TABLE {ref} (LIKE {real} INCLUDING ALL)")


def reference_bench() -> float:
    """Transactions per second of the three-row insert, pgbench when installed."""
    import shutil

    create_reference_tables()
    url = os.environ["DATABASE_URL"]
    pgbench = shutil.which("pgbench")
    if pgbench:
        with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
            script.write(REFERENCE_SQL)
        result = subprocess.run(
            [pgbench, "-n", "-c", str(CLIENTS), "-j", "2", "-T", str(REFERENCE_SECONDS), "-r",
             "-f", script.name, url],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        os.unlink(script.name)
        tps = next(
            float(line.split("=")[1].split()[0])
            for line in result.stdout.splitlines()
            if line.startswith("tps =")
        )
        latency = next(
            float(line.split("=")[1].split()[0])
            for line in result.stdout.splitlines()
            if line.startswith("latency average")
        )
        figure("reference_tool", 1, "pgbench")
        figure("reference_latency_avg", latency, "ms")
    else:
        tps = reference_by_psycopg(url)
        figure("reference_tool", 0, "psycopg (pgbench not installed)")
    figure("reference_tps", tps, "transactions/s")
    return tps


def reference_by_psycopg(url: str) -> float:
    """The pgbench script's statements through psycopg, one thread per client."""
    import psycopg

    body = "\n".join(
        line
        for line in REFERENCE_SQL.splitlines()
        if not line.startswith(("\\set", "BEGIN", "END"))
    ).replace("\\gset", "")
    statements = [part.strip() for part in body.split(";") if part.strip()]
    done = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + REFERENCE_SECONDS

    def client(n: int) -> None:
        with psycopg.connect(url) as conn:
            i = 0
            while time.perf_counter() < stop:
                i += 1
                first = statements[0].replace(":client_id", str(n)).replace(":n", str(i))
                with conn.transaction():
                    row = conn.execute(first).fetchone()
                    assert row is not None
                    for statement in statements[1:]:
                        conn.execute(statement.replace(":appeal_id", str(row[0])))
                with lock:
                    done[0] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0] / (time.perf_counter() - started)


# --- intake over HTTP ---------------------------------------------------------------------
def start_server() -> subprocess.Popen[bytes]:
    env = {**os.environ, "DEBUG": "0", "SECURE_SSL_REDIRECT": "0", "LOG_LEVEL": "WARNING"}
    log = open(Path(os.environ["QINQING_VAR_DIR"]) / "gunicorn.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            str(PROJECT_ROOT / ".venv" / "bin" / "gunicorn"),
            "qinqing.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.time() + 90
    while time.time() < deadline:
        if proc.poll() is not None:
            break
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
            conn.request("GET", "/health/")
            if conn.getresponse().status < 500:
                return proc
        except OSError:
            time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGTERM)
    raise RuntimeError(f"gunicorn did not start; see {log.name}")


def intake_bench(raw_key: str) -> float:
    proc = start_server()
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    per_client = INTAKE_REQUESTS // CLIENTS

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        for i in range(per_client):
            body = json.dumps(
                {
                    "title": TITLES[(n + i) % len(TITLES)],
                    "description": "基准测试诉求：" + DETAILS[i % len(DETAILS)],
                    "requester_name": "基准",
                    "requester_phone": "13800000000",
                    "channel": "phone",
                }
            )
            headers = {
                "Content-Type": "application/json",
                "Authorization": f"Bearer {raw_key}",
                "Idempotency-Key": uuid.uuid4().hex,
            }
            t0 = time.perf_counter()
            conn.request("POST", "/api/v1/appeals/", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                if response.status != 201:
                    errors.append(response.status)

    try:
        warm = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        for _ in range(8):
            warm.request("GET", "/health/")
            warm.getresponse().read()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    figure("intake_requests", len(latencies), "requests")
    figure("intake_errors", len(errors), "requests")
    figure("intake_throughput", len(latencies) / wall, "appeals/s")
    figure("intake_p50", pct(latencies, 50) * 1000, "ms")
    figure("intake_p99", pct(latencies, 99) * 1000, "ms")
    return len(latencies) / wall


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
    global N, OPEN, INTAKE_REQUESTS
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--appeals", type=int, default=N, help="appeals loaded (scale)")
    parser.add_argument("--intake", type=int, default=INTAKE_REQUESTS, help="intake requests")
    parser.add_argument("--only", choices=["intake"], help="measure the intake only")
    args = parser.parse_args()
    N, INTAKE_REQUESTS = args.appeals, args.intake
    OPEN = max(N // 100, 100)
    return args


def main() -> None:
    args = parse_args()
    url = os.environ["DATABASE_URL"]
    keep = os.environ.get("BENCH_KEEP") == "1" and already_loaded(url)
    if not keep:
        recreate_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from qinqing.accounts.models import ApiToken, User
    from qinqing.accounts.services import create_api_token

    figure("appeals_target", N, "rows")
    if keep:
        intake = User.objects.get(username="intake")
        ApiToken.objects.filter(user=intake).delete()
        raw_key = create_api_token(intake, name="bench", actor=None)[1]
    else:
        raw_key = str(load()["raw_key"])
    counts()
    reference = reference_bench()
    throughput = intake_bench(raw_key)
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
