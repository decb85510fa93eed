"""Operating indicators (运行监测): rows checked one by one, readings upserted."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction

from qinqing.enterprises.fields import FieldError
from qinqing.enterprises.imports.profile_rows import source_value
from qinqing.enterprises.imports.template import (
    CHUNK,
    INDICATOR_COLUMNS,
    METRIC_LABELS,
    RowError,
)
from qinqing.enterprises.models import Enterprise, IndicatorValue, Metric
from qinqing.enterprises.profiles import Counts
from qinqing.lib.uscc import UsccError, validate_uscc


@dataclass
class IndicatorRow:
    uscc: str
    metric: str
    frequency: str
    period: dt.date
    value: Decimal
    source: str
    row_no: int = 0
    enterprise_id: int = 0


class IndicatorValidator:
    def __init__(self) -> None:
        self.seen: dict[tuple[str, str, str, dt.date], int] = {}
        self.labels = dict(INDICATOR_COLUMNS)

    def check(
        self, number: int, cells: dict[str, str]
    ) -> tuple[IndicatorRow | None, list[RowError]]:
        errors: list[RowError] = []

        def bad(key: str, message: str) -> None:
            errors.append(RowError(number, self.labels[key], message))

        try:
            code = validate_uscc(cells.get("uscc", ""))
        except UsccError as exc:
            bad("uscc", str(exc))
            code = ""
        raw_metric = cells.get("metric", "").strip()
        metric = METRIC_LABELS.get(raw_metric, raw_metric.lower())
        if metric not in Metric.values:
            bad("metric", "应为 产值、营业收入、税收、用电量、用工人数 之一")
        period, frequency = _period(cells.get("period", ""))
        if period is None:
            bad("period", "期间应为 YYYY-MM（月度）或 YYYY-MM-DD（日度，仅用电量）")
        elif frequency == IndicatorValue.Frequency.DAILY and metric != Metric.ELECTRICITY:
            bad("period", "只有用电量可以按日填报，其他指标请填 YYYY-MM")
        value = None
        try:
            value = Decimal(cells.get("value", "").replace(",", ""))
            if not value.is_finite() or value < 0 or value >= Decimal("1e16"):
                raise InvalidOperation
        except InvalidOperation:
            bad("value", "数值应为不小于 0 的数字")
        source = ""
        try:
            source = source_value(cells.get("source", ""))
        except FieldError as exc:
            bad("source", str(exc))
        if errors:
            return None, errors
        assert period is not None and value is not None
        key = (code, metric, frequency, period)
        if key in self.seen:
            return None, [RowError(number, self.labels["period"], f"与第 {self.seen[key]} 行重复")]
        self.seen[key] = number
        return IndicatorRow(
            code, metric, frequency, period, value.quantize(Decimal("0.01")), source, number
        ), []

    def finish(self, rows: list[IndicatorRow]) -> tuple[list[IndicatorRow], list[RowError]]:
        usccs = sorted({r.uscc for r in rows})
        ids: dict[str, int] = {}
        for start in range(0, len(usccs), CHUNK):
            ids.update(
                Enterprise.objects.filter(uscc__in=usccs[start : start + CHUNK]).values_list(
                    "uscc", "pk"
                )
            )
        errors = []
        kept = []
        for row in rows:
            if row.uscc in ids:
                row.enterprise_id = ids[row.uscc]
                kept.append(row)
            else:
                errors.append(
                    RowError(
                        row.row_no, self.labels["uscc"], "企业库中没有该企业，请先导入企业信息"
                    )
                )
        return kept, errors


def _period(raw: str) -> tuple[dt.date | None, str]:
    text = raw.strip().replace("/", "-").replace(".", "-")
    if " " in text:
        text = text.split(" ", 1)[0]
    parts = text.split("-")
    try:
        if len(parts) == 2:
            return dt.date(int(parts[0]), int(parts[1]), 1), IndicatorValue.Frequency.MONTHLY
        if len(parts) == 3:
            return dt.date(
                int(parts[0]), int(parts[1]), int(parts[2])
            ), IndicatorValue.Frequency.DAILY
    except ValueError:
        pass
    return None, ""


def apply_indicator_rows(rows: list[IndicatorRow], *, as_of: dt.datetime) -> Counts:
    """Upsert readings, writing only new or changed values."""
    counts = Counts()
    with transaction.atomic():
        ids = {r.enterprise_id for r in rows}
        periods = {r.period for r in rows}
        current = {
            (eid, m, f, p): (v, s)
            for eid, m, f, p, v, s in IndicatorValue.objects.filter(
                enterprise_id__in=ids, period__in=periods
            ).values_list("enterprise_id", "metric", "frequency", "period", "value", "source")
        }
        changed = []
        for row in rows:
            existing = current.get((row.enterprise_id, row.metric, row.frequency, row.period))
            if existing == (row.value, row.source):
                counts.unchanged += 1
                continue
            if existing is None:
                counts.created += 1
            else:
                counts.updated += 1
            changed.append(
                IndicatorValue(
                    enterprise_id=row.enterprise_id,
                    metric=row.metric,
                    frequency=row.frequency,
                    period=row.period,
                    value=row.value,
                    source=row.source,
                    recorded_at=as_of,
                )  # fmt: skip
            )
        IndicatorValue.objects.bulk_create(
            changed,
            batch_size=5000,
            update_conflicts=True,
            unique_fields=["enterprise", "metric", "frequency", "period"],
            update_fields=["value", "source", "recorded_at"],
        )
    return counts
