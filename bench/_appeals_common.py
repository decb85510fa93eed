"""What the appeals bench's parts share: where the project is, figure lines, percentiles."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 16


def figure(name: str, value: float | int, unit: str) -> None:
    digits = 3 if name.endswith("_ratio") else 2
    text = f"{value:.{digits}f}" if isinstance(value, float) else str(value)
    print(f"{name}: {text} {unit}", flush=True)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]
