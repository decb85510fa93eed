"""运行监测: operating indicators and the early-warning pass.

The pass reads the readings of every enterprise for the few months the active rules need
(one query per indicator, COPY on PostgreSQL), evaluates every rule in one vectorised
Polars pass, and inserts the warnings that are not there yet (unique per enterprise,
rule and month, so running it twice writes nothing new).

Rules, for month P:
- yoy_drop: value(P) fell more than X% against value(P - 12 months).
- avg3_drop: value(P) fell more than X% against the mean of P-1, P-2, P-3 (all three
  needed).
- missing: the enterprise reported for month P-N and for none of the N months after it,
  up to P. The warning fires once, in the month the silence reaches N months.
Daily readings (electricity) are summed to the month; a monthly reading of the same
month wins over the daily sum.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import transaction

from qinqing.enterprises.models import (
    EarlyWarning,
    IndicatorValue,
    WarningRule,
)
from qinqing.lib.frames import query_frame


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class RuleSpec:
    id: int
    metric: str
    kind: str
    drop_percent: float | None
    missing_periods: int | None


def months_needed(rules: list[RuleSpec], period: dt.date) -> set[dt.date]:
    months = {period}
    for rule in rules:
        if rule.kind == WarningRule.Kind.YOY_DROP:
            months.add(add_months(period, -12))
        elif rule.kind == WarningRule.Kind.AVG3_DROP:
            months.update(add_months(period, -k) for k in (1, 2, 3))
        elif rule.kind == WarningRule.Kind.MISSING and rule.missing_periods:
            months.update(add_months(period, -k) for k in range(rule.missing_periods + 1))
    return months


_OUT_SCHEMA = {
    "enterprise_id": pl.Int64,
    "rule_id": pl.Int64,
    "value": pl.Float64,
    "baseline": pl.Float64,
    "change_percent": pl.Float64,
}


def evaluate(readings: pl.DataFrame, rules: list[RuleSpec], period: dt.date) -> pl.DataFrame:
    """Pure: `readings` has enterprise_id, metric, month (date), value (monthly values).
    Returns one row per firing: enterprise_id, rule_id, value, baseline, change_percent."""
    wide_by_metric: dict[str, pl.DataFrame] = {}
    for metric in {r.metric for r in rules}:
        needed = sorted(months_needed([r for r in rules if r.metric == metric], period))
        wide_by_metric[metric] = _wide(readings, metric, period, needed)
    out = []
    for rule in rules:
        wide = wide_by_metric[rule.metric]
        if wide.height == 0:
            continue
        out.append(_fire(wide, rule, period))
    if not out:
        return pl.DataFrame(schema=_OUT_SCHEMA)
    return pl.concat(
        [frame.select([pl.col(c).cast(t) for c, t in _OUT_SCHEMA.items()]) for frame in out]
    )


def _wide(
    readings: pl.DataFrame, metric: str, period: dt.date, months: list[dt.date]
) -> pl.DataFrame:
    """enterprise_id, m0 (value at P), m1 (P-1) ..., m12: one column per month back."""
    rows = readings.filter((pl.col("metric") == metric) & pl.col("month").is_in(months))
    if rows.height == 0:
        return pl.DataFrame()
    back = {m: (period.year - m.year) * 12 + period.month - m.month for m in months}
    rows = rows.with_columns(
        pl.col("month").replace_strict(back, return_dtype=pl.Int32).alias("back")
    )
    wide = rows.pivot(on="back", index="enterprise_id", values="value", aggregate_function="first")
    wide = wide.rename({c: f"m{c}" for c in wide.columns if c != "enterprise_id"})
    for k in range(0, 25):
        name = f"m{k}"
        if name not in wide.columns and any(b == k for b in back.values()):
            wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(name))
    return wide


def _fire(wide: pl.DataFrame, rule: RuleSpec, period: dt.date) -> pl.DataFrame:
    current = pl.col("m0")
    if rule.kind == WarningRule.Kind.MISSING:
        n = rule.missing_periods or 1
        silent = pl.all_horizontal([pl.col(f"m{k}").is_null() for k in range(n)])
        fired = wide.filter(pl.col(f"m{n}").is_not_null() & silent)
        return fired.select(
            "enterprise_id",
            pl.lit(rule.id, dtype=pl.Int64).alias("rule_id"),
            pl.lit(None, dtype=pl.Float64).alias("value"),
            pl.col(f"m{n}").cast(pl.Float64).alias("baseline"),
            pl.lit(None, dtype=pl.Float64).alias("change_percent"),
        )
    if rule.kind == WarningRule.Kind.YOY_DROP:
        baseline = pl.col("m12")
    else:
        baseline = pl.mean_horizontal("m1", "m2", "m3")
        wide = wide.filter(pl.all_horizontal([pl.col(c).is_not_null() for c in ("m1", "m2", "m3")]))
    threshold = float(rule.drop_percent or 0)
    scored = wide.select(
        "enterprise_id",
        current.cast(pl.Float64).alias("value"),
        baseline.cast(pl.Float64).alias("baseline"),
    ).with_columns(
        ((pl.col("value") - pl.col("baseline")) / pl.col("baseline") * 100).alias("change_percent")
    )
    fired = scored.filter(
        pl.col("value").is_not_null()
        & pl.col("baseline").is_not_null()
        & (pl.col("baseline") > 0)
        & (pl.col("change_percent") < -threshold)
    )
    return fired.with_columns(pl.lit(rule.id, dtype=pl.Int64).alias("rule_id"))


def load_readings(metric: str, months: set[dt.date]) -> pl.DataFrame:
    """Monthly values of `metric` for `months`: enterprise_id, metric, month, value."""
    ordered = sorted(months)
    placeholders = ", ".join(["%s"] * len(ordered))
    first, after = ordered[0], add_months(ordered[-1], 1)
    sql = (
        "SELECT enterprise_id, frequency, period, value FROM enterprises_indicatorvalue "  # noqa: S608
        f"WHERE metric = %s AND ((frequency = 'M' AND period IN ({placeholders})) "
        "OR (frequency = 'D' AND period >= %s AND period < %s))"
    )
    frame = query_frame(
        sql,
        [metric, *ordered, first, after],
        {
            "enterprise_id": pl.Int64(),
            "frequency": pl.String(),
            "period": pl.Date(),
            "value": pl.Float64(),
        },
    )
    if frame.height == 0:
        return pl.DataFrame(
            schema={
                "enterprise_id": pl.Int64,
                "metric": pl.String,
                "month": pl.Date,
                "value": pl.Float64,
            }
        )
    frame = frame.with_columns(pl.col("period").dt.truncate("1mo").alias("month"))
    monthly = frame.filter(pl.col("frequency") == "M").select("enterprise_id", "month", "value")
    daily = (
        frame.filter(pl.col("frequency") == "D")
        .group_by("enterprise_id", "month")
        .agg(pl.col("value").sum())
        .join(monthly, on=["enterprise_id", "month"], how="anti")
    )
    return (
        pl.concat([monthly, daily.select(monthly.columns)])
        .filter(pl.col("month").is_in(ordered))
        .with_columns(pl.lit(metric).alias("metric"))
        .select("enterprise_id", "metric", "month", "value")
    )


def active_rules() -> list[RuleSpec]:
    return [
        RuleSpec(
            r.pk,
            r.metric,
            r.kind,
            float(r.drop_percent) if r.drop_percent is not None else None,
            r.missing_periods,
        )
        for r in WarningRule.objects.filter(is_active=True)
    ]


@dataclass
class PassResult:
    period: dt.date
    readings: int
    fired: int
    created: int


def run_warning_pass(period: dt.date) -> PassResult:
    """Evaluate every active rule for month `period` over all enterprises; insert new
    warnings (existing ones for the same enterprise, rule and month are left alone)."""
    period = month_start(period)
    rules = active_rules()
    frames = []
    for metric in sorted({r.metric for r in rules}):
        metric_rules = [r for r in rules if r.metric == metric]
        frames.append(load_readings(metric, months_needed(metric_rules, period)))
    readings = pl.concat(frames) if frames else pl.DataFrame()
    fired = (
        evaluate(readings, rules, period) if readings.height else pl.DataFrame(schema=_OUT_SCHEMA)
    )
    created = _insert_warnings(fired, period)
    return PassResult(period, readings.height, fired.height, created)


def _dec(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(round(value, 2)))


def _insert_warnings(fired: pl.DataFrame, period: dt.date) -> int:
    if fired.height == 0:
        return 0
    before = EarlyWarning.objects.filter(period=period).count()
    with transaction.atomic():
        for start in range(0, fired.height, 20000):
            chunk = fired.slice(start, 20000)
            EarlyWarning.objects.bulk_create(
                [
                    EarlyWarning(
                        enterprise_id=row["enterprise_id"],
                        rule_id=row["rule_id"],
                        period=period,
                        value=_dec(row["value"]),
                        baseline=_dec(row["baseline"]),
                        change_percent=_dec(row["change_percent"]),
                    )
                    for row in chunk.iter_rows(named=True)
                ],
                batch_size=5000,
                ignore_conflicts=True,
            )
    return EarlyWarning.objects.filter(period=period).count() - before


def indicator_series(enterprise_id: int) -> dict[str, list[tuple[str, float]]]:
    """Monthly series per metric for the enterprise page's charts (daily summed)."""
    monthly: dict[str, dict[str, float]] = {}
    daily: dict[str, dict[str, float]] = {}
    for metric, frequency, period, value in (
        IndicatorValue.objects.filter(enterprise_id=enterprise_id)
        .order_by("period")
        .values_list("metric", "frequency", "period", "value")
    ):
        target = monthly if frequency == IndicatorValue.Frequency.MONTHLY else daily
        months = target.setdefault(metric, {})
        key = period.strftime("%Y-%m")
        months[key] = months.get(key, 0.0) + float(value)
    series = {}
    for metric in monthly.keys() | daily.keys():
        merged = {**daily.get(metric, {}), **monthly.get(metric, {})}
        series[metric] = sorted(merged.items())
    return series
