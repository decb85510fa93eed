"""`make bench`: the comparing benches at a small scale, one table.

Runs bench/appeals.py (intake vs the pgbench 3-row transaction), bench/enterprises.py
(profile import vs COPY of the same rows) and bench/policies.py (the matcher vs
OpenFisca-Core and plain Polars, in memory), each in its own process, and prints every
`name: value unit` line they print as one table. PostgreSQL comes from BENCH_PG
(default postgres://postgres@127.0.0.1:5432); each bench uses its own database
qinqing_bench_<name>. BENCH_SCALE multiplies the default sizes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCALE = float(os.environ.get("BENCH_SCALE", "1"))


def sized(value: int) -> str:
    return str(max(1, int(value * SCALE)))


RUNS = [
    ("appeals", ["--appeals", sized(20_000), "--intake", sized(800), "--only", "intake"]),
    (
        "enterprises",
        ["--enterprises", sized(40_000), "--import-rows", sized(20_000), "--only", "import"],
    ),  # fmt: skip
    ("policies", ["--enterprises", sized(100_000), "--items", sized(100), "--mode", "memory"]),
]


def main() -> None:
    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    rows: list[tuple[str, str, str, str]] = []
    for name, args in RUNS:
        env = {**os.environ, "DATABASE_URL": f"{base}/qinqing_bench_{name}"}
        started = time.perf_counter()
        print(f"# {name} {' '.join(args)}", file=sys.stderr, flush=True)
        done = subprocess.run(
            [sys.executable, str(ROOT / "bench" / f"{name}.py"), *args],
            cwd=ROOT, env=env, capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode != 0:
            rows.append((name, "failed", str(done.returncode), done.stderr.strip()[-200:]))
            continue
        for line in done.stdout.splitlines():
            if ":" not in line or line.startswith("#"):
                continue
            figure, rest = line.split(":", 1)
            value, _, unit = rest.strip().partition(" ")
            rows.append((name, figure.strip(), value, unit))
        rows.append((name, "bench_wall", f"{time.perf_counter() - started:.1f}", "s"))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    print(f"{'bench':<{widths[0]}}  {'figure':<{widths[1]}}  {'value':>{widths[2]}}  unit")
    for bench, figure, value, unit in rows:
        print(f"{bench:<{widths[0]}}  {figure:<{widths[1]}}  {value:>{widths[2]}}  {unit}")


if __name__ == "__main__":
    main()
