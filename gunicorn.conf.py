"""gunicorn's settings for qinqing: `gunicorn qinqing.wsgi` run from the project root reads
this file (or pass `-c gunicorn.conf.py`); the appeals bench serves its intake with it.

Threaded workers (gthread): a request spends much of its time waiting on PostgreSQL and
Redis, and threads let a process serve another request meanwhile; they also keep
connections alive (sync workers close each one), which spares API clients and the
reverse proxy (nginx `keepalive` in the upstream block) a TCP handshake per request.
Measured on 2 cores, 16 clients (bench/appeals.py): sync workers served the intake at
less than half the rate of the same number of gthread workers.

Processes: two per core (WEB_CONCURRENCY), so one process's Python code running while
another's waits keeps both cores busy despite the GIL; threads per process:
GUNICORN_THREADS (4). Each thread holds its own database connection (Django keeps it
for DB_CONN_MAX_AGE seconds): workers × threads per web machine must stay within what
PostgreSQL's max_connections leaves for the others.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * multiprocessing.cpu_count())))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))  # seconds an idle connection stays
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
