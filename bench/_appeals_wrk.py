"""The HTTP load generator for the intake bench: wrk, a C client, when it is installed.

The reference is pgbench, a C client that costs the two shared cores almost nothing per
transaction. A Python client (threads and http.client) costs about as much CPU per request
as the server's own framework does, so on two cores it takes half the machine from the
server it measures. wrk (`apt-get install wrk`) sends the same requests over the same
CLIENTS keep-alive connections from two threads, as pgbench runs with `-j 2`; the bench
falls back to the Python client, and says so, where wrk is absent.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import tempfile

from _appeals_common import CLIENTS

SECONDS = int(os.environ.get("BENCH_INTAKE_SECONDS", "10"))

# One Lua state per wrk thread: each thread numbers its own requests, so every intake
# carries an Idempotency-Key no other request in the run carries. `done` prints one JSON
# line: requests, wall time, the latency percentiles and the answers with another status.
SCRIPT = r"""
local threads = {}
local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end
function init(args)
  method, path, expect, run = args[1], args[2], tonumber(args[3]), args[4]
  bodies = {}
  for i = 5, #args do bodies[#bodies + 1] = args[i] end
  counter, unexpected = 0, 0
end
function request()
  counter = counter + 1
  local headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  if method == "POST" then
    headers["Idempotency-Key"] = run .. "-" .. tid .. "-" .. counter
    return wrk.format("POST", path, headers, bodies[(counter % #bodies) + 1])
  end
  return wrk.format("GET", path, headers)
end
function response(status, headers, body)
  if status ~= expect then unexpected = unexpected + 1 end
end
function done(summary, latency, requests)
  local wrong = 0
  for _, t in ipairs(threads) do wrong = wrong + t:get("unexpected") end
  io.write(string.format(
    '{"requests": %d, "seconds": %.6f, "p50_ms": %.3f, "p99_ms": %.3f, "unexpected": %d, '
    .. '"socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, wrong,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout))
end
"""


def available() -> bool:
    return shutil.which("wrk") is not None


def run(url: str, method: str, path: str, headers: dict[str, str], *, expect: int,
        bodies: list[str] | None = None, seconds: int = SECONDS) -> dict[str, float]:  # fmt: skip
    """wrk against `url` + `path` for `seconds`: the figures of its `done` line, plus the
    client's own CPU seconds (`client_cpu`)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(SCRIPT)
    header_args = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        result = subprocess.run(
            ["wrk", "-t", "2", "-c", str(CLIENTS), "-d", f"{seconds}s", "--timeout", "30s",
             *header_args, "-s", script.name, url + path,
             "--", method, path, str(expect), os.urandom(6).hex(), *(bodies or [""])],
            capture_output=True, text=True, check=True, timeout=seconds + 120,
        )  # fmt: skip
    finally:
        os.unlink(script.name)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["client_cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return figures
