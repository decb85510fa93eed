"""Bulk import of profiles with yearly facts, and of operating indicators, from .xlsx or
.csv (UTF-8 with or without BOM, or GBK) in the documented templates
(docs/enterprise-import.md).

Every row is checked first; each bad row is reported with its row number, the column
and the reason in Chinese. Then the valid rows are written in chunks through the bulk
services (or nothing is written, if the user chose all-or-nothing and a row is bad).
Writes are upserts that compare before writing, so importing the same file again
changes nothing and reports the rows as unchanged.
"""

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from qinqing.accounts.models import Organisation, OrgKind
from qinqing.core.jobs import enqueue
from qinqing.enterprises import events, jobs
from qinqing.enterprises.columns import (
    check_column,
    fast_money,
    fast_pattern,
    fast_text,
    uscc_valid,
)
from qinqing.enterprises.fields import PROFILE_FIELDS, YEAR_FIELDS, FieldError, parse_count
from qinqing.enterprises.models import Enterprise, ImportJob, IndicatorValue, Metric, Source
from qinqing.enterprises.profiles import Counts, ProfileRow, apply_profile_rows
from qinqing.lib.uscc import UsccError, validate_uscc

CHUNK = 5000
MAX_REPORTED_ERRORS = 1000

SOURCE_LABELS = {
    "市场监管": Source.MARKET,
    "税务": Source.TAX,
    "统计": Source.STATS,
    "工作人员": Source.OFFICER,
    "企业自报": Source.SELF,
}
METRIC_LABELS = {
    "产值": Metric.OUTPUT_VALUE,
    "营业收入": Metric.REVENUE,
    "税收": Metric.TAX,
    "用电量": Metric.ELECTRICITY,
    "用工人数": Metric.EMPLOYEES,
}

# Template columns: (key, Chinese header). Headers may also be given as the keys.
PROFILE_COLUMNS: list[tuple[str, str]] = [
    ("uscc", "统一社会信用代码"),
    ("source", "数据来源"),
    *[(spec.name, spec.label) for spec in PROFILE_FIELDS],
    ("year", "年度"),
    *[(spec.name, spec.label) for spec in YEAR_FIELDS],
]
INDICATOR_COLUMNS: list[tuple[str, str]] = [
    ("uscc", "统一社会信用代码"),
    ("metric", "指标"),
    ("period", "期间"),
    ("value", "数值"),
    ("source", "数据来源"),
]
PROFILE_EXAMPLE = {
    "uscc": "91511602MA6200001D",
    "source": "市场监管",
    "name": "示例科技有限公司",
    "registered_on": "2018-05-20",
    "division": "511602001",
    "industry_code": "C3911",
    "contact_phone": "13800000000",
    "year": "2024",
    "employees": "120",
    "revenue": "8500.50",
}
INDICATOR_EXAMPLE = {
    "uscc": "91511602MA6200001D",
    "metric": "用电量",
    "period": "2025-03",
    "value": "125000",
    "source": "工作人员",
}


def columns_for(kind: str) -> list[tuple[str, str]]:
    return PROFILE_COLUMNS if kind == ImportJob.Kind.PROFILES else INDICATOR_COLUMNS


@dataclass
class RowError:
    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


class FileRejected(ValueError):
    """The file as a whole cannot be read (format, encoding, headers); Chinese message."""


# --- reading ------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(
    handle: IO[bytes], filename: str
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """(header cells, iterator of (row number as the user sees it, cells))."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(handle)
    if name.endswith(".csv"):
        return _read_csv(handle)
    raise FileRejected("只支持 .xlsx 或 .csv 文件")


def _read_xlsx(handle: IO[bytes]) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise FileRejected("无法读取 Excel 文件，请确认是 .xlsx 格式且未损坏") from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        header = [_cell_text(c) for c in next(rows)]
    except StopIteration as exc:
        raise FileRejected("文件是空的") from exc

    def body() -> Iterator[tuple[int, list[str]]]:
        for number, cells in enumerate(rows, start=2):
            texts = [_cell_text(c) for c in cells]
            if any(texts):
                yield number, texts
        workbook.close()

    return header, body()


def decode_csv(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise FileRejected("无法识别 CSV 文件编码，请保存为 UTF-8 或 GBK 编码") from exc


def _read_csv(handle: IO[bytes]) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    text = decode_csv(handle.read())
    reader = csv.reader(io.StringIO(text))
    try:
        header = [c.strip() for c in next(reader)]
    except StopIteration as exc:
        raise FileRejected("文件是空的") from exc

    def body() -> Iterator[tuple[int, list[str]]]:
        for number, cells in enumerate(reader, start=2):
            if any(c.strip() for c in cells):
                yield number, [c.strip() for c in cells]

    return header, body()


def map_header(header: list[str], kind: str) -> dict[str, int]:
    """Column key -> index; refuses unknown or missing required columns."""
    known = {}
    for key, label in columns_for(kind):
        known[key] = key
        known[label] = key
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        if not cell:
            continue
        key = known.get(cell)
        if key is None:
            raise FileRejected(f"第 1 行：无法识别的列名“{cell}”，请使用导入模板")
        if key in positions:
            raise FileRejected(f"第 1 行：列“{cell}”重复")
        positions[key] = index
    required = (
        ["uscc", "source"] if kind == ImportJob.Kind.PROFILES else [k for k, _ in INDICATOR_COLUMNS]
    )
    labels = dict(columns_for(kind))
    for key in required:
        if key not in positions:
            raise FileRejected(f"第 1 行：缺少必填列“{labels[key]}”")
    return positions


# --- validation ---------------------------------------------------------------------


def _source(text: str) -> str:
    value = SOURCE_LABELS.get(text.strip(), text.strip().lower())
    if value not in Source.values:
        raise FieldError("应为 市场监管、税务、统计、工作人员、企业自报 之一")
    return value


_FAST = {
    "name": fast_text(200),
    "legal_form": fast_text(50),
    "address": fast_text(200),
    "contact_name": fast_text(50),
    "contact_phone": fast_pattern(r"^[0-9-]{1,30}$"),
    **{
        spec.name: fast_pattern(r"^(0|[1-9][0-9]{0,8})$")
        if spec.parse is parse_count
        else fast_money
        for spec in YEAR_FIELDS
    },
    "registered_capital": fast_money,
}


class ProfileValidator:
    """Checks profile rows one by one; `finish()` checks what needs the database in bulk
    (division codes, names of enterprises that do not exist yet)."""

    def __init__(self) -> None:
        self.divisions = set(
            Organisation.objects.filter(kind=OrgKind.DIVISION).values_list("code", flat=True)
        )
        self.seen: dict[tuple[str, str, int | None], int] = {}
        self.labels = dict(PROFILE_COLUMNS)

    def check(self, number: int, cells: dict[str, str]) -> tuple[ProfileRow | None, list[RowError]]:
        errors: list[RowError] = []

        def bad(key: str, message: str) -> None:
            errors.append(RowError(number, self.labels[key], message))

        try:
            code = validate_uscc(cells.get("uscc", ""))
        except UsccError as exc:
            bad("uscc", str(exc))
            code = ""
        source = ""
        try:
            source = _source(cells.get("source", ""))
        except FieldError as exc:
            bad("source", str(exc))
        profile: dict[str, str] = {}
        for spec in PROFILE_FIELDS:
            raw = cells.get(spec.name, "")
            if raw:
                try:
                    profile[spec.name] = spec.parse(raw)
                except FieldError as exc:
                    bad(spec.name, str(exc))
        if "division" in profile and profile["division"] not in self.divisions:
            bad("division", f"行政区划代码 {profile['division']} 不在本系统区划中")
        year_values: dict[str, str] = {}
        for spec in YEAR_FIELDS:
            raw = cells.get(spec.name, "")
            if raw:
                try:
                    year_values[spec.name] = spec.parse(raw)
                except FieldError as exc:
                    bad(spec.name, str(exc))
        year: int | None = None
        raw_year = cells.get("year", "").removesuffix(".0")
        if raw_year:
            if raw_year.isdigit() and 1990 <= int(raw_year) <= 2100:
                year = int(raw_year)
            else:
                bad("year", "年度应为四位年份，如 2024")
        elif year_values:
            bad("year", "填写了年度数据，须同时填写年度")
        if not profile and not year_values and not errors:
            bad("uscc", "该行除代码和来源外没有任何数据")
        if code and source and not errors:
            key = (code, source, year)
            if key in self.seen:
                bad("uscc", f"与第 {self.seen[key]} 行重复（同一企业、来源和年度）")
            else:
                self.seen[key] = number
        if errors:
            return None, errors
        return ProfileRow(code, source, profile, year, year_values, row_no=number), []

    def check_table(
        self, numbers: list[int], table: dict[str, list[str]]
    ) -> tuple[list[ProfileRow], list[RowError]]:
        """`check` over every row at once: the columns are checked vectorised
        (columns.py); a row with any doubtful cell goes through `check` itself, so its
        errors read exactly as they would row by row. Returns rows in file order."""
        height = len(numbers)
        blank = pl.Series([""] * height, dtype=pl.String)
        column = {key: pl.Series(values, dtype=pl.String) for key, values in table.items()}

        def cells_of(key: str) -> pl.Series:
            return column.get(key, blank)

        codes = cells_of("uscc")
        code_ok = pl.DataFrame({"c": codes}).select(uscc_valid(pl.col("c")))["c"]
        sources = check_column(cells_of("source"), _source)
        source_ok = sources.ok & sources.values.is_not_null()
        ok = code_ok & source_ok
        has_data = pl.Series([False] * height)
        values: dict[str, pl.Series] = {}
        for spec in (*PROFILE_FIELDS, *YEAR_FIELDS):
            if spec.name not in column:
                continue
            checked = check_column(column[spec.name], spec.parse, _FAST.get(spec.name))
            ok = ok & checked.ok
            values[spec.name] = checked.values
            has_data = has_data | checked.values.is_not_null()
        if "division" in values:
            known = values["division"].is_in(sorted(self.divisions)) | values["division"].is_null()
            ok = ok & known
        raw_year = cells_of("year").str.strip_suffix(".0")
        years = pl.DataFrame({"y": raw_year}).select(
            pl.when(pl.col("y").str.contains("^[0-9]{4}$"))
            .then(pl.col("y").cast(pl.Int32, strict=False))
            .otherwise(None)
        )["y"]
        year_given = raw_year != ""
        year_ok = ~year_given | years.is_between(1990, 2100).fill_null(False)
        reported = pl.Series([False] * height)
        for spec in YEAR_FIELDS:
            if spec.name in values:
                reported = reported | values[spec.name].is_not_null()
        ok = ok & year_ok & (year_given | ~reported) & has_data
        clean = ok.to_list()
        profile_lists = {
            spec.name: values[spec.name].to_list() for spec in PROFILE_FIELDS if spec.name in values
        }
        year_lists = {
            spec.name: values[spec.name].to_list() for spec in YEAR_FIELDS if spec.name in values
        }
        code_list, source_list, year_list = (
            codes.to_list(),
            sources.values.to_list(),
            years.to_list(),
        )
        rows: list[ProfileRow] = []
        errors: list[RowError] = []
        label = self.labels["uscc"]
        for i, number in enumerate(numbers):
            if not clean[i]:
                row, row_errors = self.check(number, {k: v[i] for k, v in table.items()})
                if row is not None:
                    rows.append(row)
                errors.extend(row_errors)
                continue
            key = (code_list[i], source_list[i], year_list[i])
            if key in self.seen:
                errors.append(
                    RowError(number, label, f"与第 {self.seen[key]} 行重复（同一企业、来源和年度）")
                )
                continue
            self.seen[key] = number
            rows.append(
                ProfileRow(
                    code_list[i],
                    source_list[i],
                    {k: v[i] for k, v in profile_lists.items() if v[i] is not None},
                    year_list[i],
                    {k: v[i] for k, v in year_lists.items() if v[i] is not None},
                    row_no=number,
                )
            )
        return rows, errors

    def finish(self, rows: list[ProfileRow]) -> tuple[list[ProfileRow], list[RowError]]:
        """New enterprises need a name in at least one of their rows."""
        named = {r.uscc for r in rows if r.profile.get("name")}
        unnamed = sorted({r.uscc for r in rows} - named)
        existing: set[str] = set()
        for start in range(0, len(unnamed), CHUNK):
            existing.update(
                Enterprise.objects.filter(uscc__in=unnamed[start : start + CHUNK]).values_list(
                    "uscc", flat=True
                )
            )
        missing = set(unnamed) - existing
        if not missing:
            return rows, []
        errors = [
            RowError(r.row_no, self.labels["name"], "企业库中尚无该企业，新企业须填写企业名称")
            for r in rows
            if r.uscc in missing
        ]
        return [r for r in rows if r.uscc not in missing], errors


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
            source = _source(cells.get("source", ""))
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


# --- the whole import ---------------------------------------------------------------


@dataclass
class ImportResult:
    status: str
    total: int = 0
    counts: Counts = field(default_factory=Counts)
    errors: list[RowError] = field(default_factory=list)


def import_file(
    handle: IO[bytes],
    filename: str,
    *,
    kind: str,
    actor: Any,
    all_or_nothing: bool,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Check every row, then write the valid ones (or none). `progress(done, total)` is
    called between chunks, outside the chunk transactions."""
    try:
        header, body = read_table(handle, filename)
        positions = map_header(header, kind)
    except FileRejected as exc:
        return ImportResult(ImportJob.Status.REJECTED, errors=[RowError(1, "", str(exc))])
    validator: ProfileValidator | IndicatorValidator = (
        ProfileValidator() if kind == ImportJob.Kind.PROFILES else IndicatorValidator()
    )
    valid: list[Any] = []
    errors: list[RowError] = []
    total = 0
    if isinstance(validator, ProfileValidator):
        numbers: list[int] = []
        table: dict[str, list[str]] = {key: [] for key in positions}
        for number, cells in body:
            numbers.append(number)
            width = len(cells)
            for key, i in positions.items():
                table[key].append(cells[i] if i < width else "")
        total = len(numbers)
        valid, errors = validator.check_table(numbers, table)
    else:
        for number, cells in body:
            total += 1
            values = {key: (cells[i] if i < len(cells) else "") for key, i in positions.items()}
            row, row_errors = validator.check(number, values)
            if row is not None:
                valid.append(row)
            errors.extend(row_errors)
    valid, late_errors = validator.finish(valid)
    errors = sorted(errors + late_errors, key=lambda e: e.row)
    result = ImportResult(ImportJob.Status.DONE, total=total, errors=errors)
    if total == 0:
        result.status = ImportJob.Status.REJECTED
        result.errors = [RowError(2, "", "文件中没有数据行")]
        return result
    if errors and all_or_nothing:
        result.status = ImportJob.Status.REJECTED
        return result
    as_of = timezone.now()
    done = 0
    for start in range(0, len(valid), CHUNK):
        chunk = valid[start : start + CHUNK]
        if kind == ImportJob.Kind.PROFILES:
            result.counts.add(apply_profile_rows(chunk, actor=actor, as_of=as_of))
        else:
            result.counts.add(apply_indicator_rows(chunk, as_of=as_of))
        done += len(chunk)
        if progress:
            progress(done, len(valid))
    return result


def file_digest(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    handle.seek(0)
    return digest.hexdigest()


def run_job(job_id: int) -> ImportJob | None:
    """Run a queued job. The conditional update claims it, so a retried task or a second
    worker does nothing."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, heartbeat_at=timezone.now()
    )
    if not claimed:
        return None
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(
            processed_rows=done, total_rows=total, heartbeat_at=timezone.now()
        )

    try:
        with jobs.heartbeat(job_id), job.file.open("rb") as handle:
            result = import_file(
                handle, job.filename, kind=job.kind, actor=job.created_by,
                all_or_nothing=job.all_or_nothing, progress=progress,
            )  # fmt: skip
    except Exception:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED, finished_at=timezone.now()
        )
        raise
    counts = {
        "created": result.counts.created,
        "updated": result.counts.updated,
        "unchanged": result.counts.unchanged,
        "errors": len(result.errors),
    }
    with transaction.atomic():
        ImportJob.objects.filter(pk=job_id).update(
            status=result.status,
            total_rows=result.total,
            processed_rows=result.total if result.status == ImportJob.Status.DONE else 0,
            created_count=result.counts.created,
            updated_count=result.counts.updated,
            unchanged_count=result.counts.unchanged,
            error_count=len(result.errors),
            errors=[e.as_dict() for e in result.errors[:MAX_REPORTED_ERRORS]],
            finished_at=timezone.now(),
        )
        events.import_finished(
            actor=job.created_by, job_id=job_id, status=result.status, counts=counts
        )
    job.refresh_from_db()
    return job


INLINE_LIMIT_BYTES = 256 * 1024  # smaller files are imported while the user waits


def _retry_if_failed(job: ImportJob) -> tuple[ImportJob, bool]:
    """The job a repeated Idempotency-Key names; a failed one (its worker died, or it
    raised) starts again as a fresh attempt on the stored file. True when it restarted."""
    if job.status != ImportJob.Status.FAILED or not jobs.restart_failed_job(job):
        return job, False
    if job.file.size > INLINE_LIMIT_BYTES:
        enqueue("qinqing.enterprises.tasks.run_import_job", job.pk)
        job.refresh_from_db()
        return job, True
    return run_job(job.pk) or job, True


def start_import(
    upload: Any, *, kind: str, actor: Any, all_or_nothing: bool, idempotency_key: str
) -> tuple[ImportJob, bool]:
    """Store the upload as an ImportJob and run it: at once for a small file, in the
    background queue for a large one. The same idempotency key returns the same job
    (a double-submitted form or a retried API call does not import twice)."""
    existing = ImportJob.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _retry_if_failed(existing)
    digest = file_digest(upload)
    with transaction.atomic():
        job, created = ImportJob.objects.get_or_create(
            idempotency_key=idempotency_key,
            defaults={
                "kind": kind, "file": upload, "filename": upload.name[:200], "sha256": digest,
                "all_or_nothing": all_or_nothing, "created_by": actor,
            },
        )  # fmt: skip
        if created and upload.size > INLINE_LIMIT_BYTES:
            transaction.on_commit(
                lambda: enqueue("qinqing.enterprises.tasks.run_import_job", job.pk)
            )
    if created and upload.size <= INLINE_LIMIT_BYTES:
        job = run_job(job.pk) or job
    return job, created
