"""The intake half of the appeals bench: the pgbench reference (three inserts in one
transaction) and the intake through the JSON API against a real gunicorn server."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import _appeals_wrk
from _appeals_common import CLIENTS, PROJECT_ROOT, figure, pct
from _appeals_load import DETAILS, TITLES

PORT = int(os.environ.get("BENCH_PORT", "8105"))
REFERENCE_SECONDS = 10
WARM_SECONDS = 5


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
    """gunicorn as production runs it: the project's gunicorn.conf.py, only the address
    and the log level given here."""
    env = {**os.environ, "DEBUG": "0", "SECURE_SSL_REDIRECT": "0", "LOG_LEVEL": "WARNING"}
    log = open(Path(os.environ["QINQING_VAR_DIR"]) / "gunicorn.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            str(PROJECT_ROOT / ".venv" / "bin" / "gunicorn"),
            "--config",
            str(PROJECT_ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
            "qinqing.wsgi",
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


def _server_cpu_seconds(group: int) -> float:
    """CPU time (user + system) of every process in the server's process group."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # pgrp
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


Request = tuple[str, str, "str | None", dict[str, str]]


def load_run(name: str, requests: int, request: Callable[[int, int], Request], *,
             expect: int, group: int, unit: str = "requests/s", report: bool = True) -> float:  # fmt: skip
    """CLIENTS keep-alive clients send `requests` requests in all; prints throughput, p50,
    p99 and the server's CPU per request under `name`, returns the throughput."""
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    per_client = requests // CLIENTS

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        for i in range(per_client):
            method, path, body, headers = request(n, i)
            t0 = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                if response.status != expect:
                    errors.append(response.status)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    cpu, client_cpu = _server_cpu_seconds(group), time.process_time()
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    cpu = _server_cpu_seconds(group) - cpu
    client_cpu = time.process_time() - client_cpu
    if not report:
        return len(latencies) / wall
    p50, p99 = pct(latencies, 50) * 1000, pct(latencies, 99) * 1000
    return _report(name, unit, len(latencies), len(errors), wall, p50, p99, cpu, client_cpu)


def _report(name: str, unit: str, requests: int, errors: int, seconds: float, p50_ms: float,
            p99_ms: float, server_cpu: float, client_cpu: float) -> float:  # fmt: skip
    """The figures of one load run under `name` (either client); returns the throughput."""
    figure(f"{name}_requests", requests, "requests")
    figure(f"{name}_errors", errors, "requests")
    figure(f"{name}_throughput", requests / seconds, unit)
    figure(f"{name}_p50", p50_ms, "ms")
    figure(f"{name}_p99", p99_ms, "ms")
    figure(f"{name}_server_cpu", server_cpu * 1000 / max(1, requests), "ms/request")
    figure(f"{name}_client_cpu", client_cpu * 1000 / max(1, requests), "ms/request")
    return requests / seconds


def intake_bench(raw_key: str, requests: int) -> tuple[float, float]:
    """The intake, and the framework floor in the same server and run: an authenticated
    JSON endpoint that does no work (GET /api/v1/me: the same middleware, token check and
    throttle, no database). Returns (intake, floor) throughput. The load comes from wrk
    where it is installed (a C client, like pgbench), else from CLIENTS Python threads."""
    auth = {"Authorization": f"Bearer {raw_key}"}
    proc = start_server()
    try:
        if _appeals_wrk.available():
            figure("load_tool", 1, "wrk (C client, 2 threads, like pgbench -j 2)")
            floor, intake = _wrk_floor_and_intake(auth, proc.pid)
        else:
            figure("load_tool", 0, "Python threads (wrk not installed)")
            floor, intake = _python_floor_and_intake(auth, requests, proc.pid)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    figure("intake_vs_floor_ratio", intake / floor, "of the framework floor")
    return intake, floor


def _python_floor_and_intake(
    auth: dict[str, str], requests: int, group: int
) -> tuple[float, float]:
    def floor_request(n: int, i: int) -> Request:
        return "GET", "/api/v1/me", None, auth

    def intake_request(n: int, i: int) -> Request:
        headers = {**auth, "Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex}
        return "POST", "/api/v1/appeals/", intake_body(n, i), headers

    load_run("warm", CLIENTS * 8, floor_request, expect=200, group=group, report=False)
    floor = load_run("floor", requests, floor_request, expect=200, group=group)
    intake = load_run("intake", requests, intake_request, expect=201, group=group, unit="appeals/s")
    return floor, intake


def _wrk_floor_and_intake(auth: dict[str, str], group: int) -> tuple[float, float]:
    url = f"http://127.0.0.1:{PORT}"
    _appeals_wrk.run(url, "GET", "/api/v1/me", auth, expect=200, seconds=WARM_SECONDS)
    floor = _wrk_figures("floor", "requests/s", group, url, "GET", "/api/v1/me", auth, 200)
    bodies = [intake_body(n, i) for n in range(4) for i in range(len(DETAILS))]
    headers = {**auth, "Content-Type": "application/json"}
    # every worker thread's first intakes (its database connection, the code paths of
    # the intake) are warmed first, as the floor's are
    _appeals_wrk.run(url, "POST", "/api/v1/appeals/", headers, expect=201, bodies=bodies,
                     seconds=WARM_SECONDS)  # fmt: skip
    intake = _wrk_figures("intake", "appeals/s", group, url, "POST", "/api/v1/appeals/",
                          headers, 201, bodies)  # fmt: skip
    return floor, intake


def _wrk_figures(name: str, unit: str, group: int, url: str, method: str, path: str,
                 headers: dict[str, str], expect: int, bodies: list[str] | None = None) -> float:  # fmt: skip
    cpu = _server_cpu_seconds(group)
    result = _appeals_wrk.run(url, method, path, headers, expect=expect, bodies=bodies)
    cpu = _server_cpu_seconds(group) - cpu
    return _report(
        name, unit, int(result["requests"]), int(result["unexpected"] + result["socket_errors"]),
        result["seconds"], result["p50_ms"], result["p99_ms"], cpu, result["client_cpu"],
    )  # fmt: skip


# --- in-process profile -------------------------------------------------------------------
def intake_body(n: int, i: int) -> str:
    return json.dumps(
        {
            "title": TITLES[(n + i) % len(TITLES)],
            "description": "基准测试诉求：" + DETAILS[i % len(DETAILS)],
            "requester_name": "基准",
            "requester_phone": "13800000000",
            "channel": "phone",
        }
    )


def profile_intake(raw_key: str, requests: int) -> None:
    """`requests` intakes through Django's test client in this process: time and SQL
    statements per request, then where the time goes (cProfile, top functions)."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}")

    def post(i: int) -> None:
        response = client.post(
            "/api/v1/appeals/",
            intake_body(0, i),
            content_type="application/json",
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        assert response.status_code == 201, response.content

    for i in range(5):
        post(i)  # warm
    with CaptureQueriesContext(connection) as captured:
        post(0)
    figure("intake_sql_statements", len(captured.captured_queries), "per request")
    for query in captured.captured_queries:
        print("  sql:", query["sql"][:150], flush=True)
    sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    figure("intake_sql_time_one_request", sql_ms, "ms")
    started, cpu = time.perf_counter(), time.process_time()
    for i in range(requests):
        post(i)
    figure("intake_in_process", (time.perf_counter() - started) * 1000 / requests, "ms/request")
    figure("intake_in_process_cpu", (time.process_time() - cpu) * 1000 / requests, "ms/request")
    profiler = cProfile.Profile(time.process_time)  # CPU, not waits on the database
    profiler.enable()
    for i in range(requests):
        post(i)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)
