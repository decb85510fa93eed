"""Checking profile rows: every column at once with Polars, a doubtful row once more
through the row check so that its errors read exactly as they would row by row."""

import polars as pl

from qinqing.accounts.models import Organisation, OrgKind
from qinqing.enterprises.columns import (
    check_column,
    fast_money,
    fast_pattern,
    fast_text,
    uscc_valid,
)
from qinqing.enterprises.fields import PROFILE_FIELDS, YEAR_FIELDS, FieldError, parse_count
from qinqing.enterprises.imports.template import (
    CHUNK,
    PROFILE_COLUMNS,
    SOURCE_LABELS,
    RowError,
)
from qinqing.enterprises.models import Enterprise, Source
from qinqing.enterprises.profiles import ProfileRow
from qinqing.lib.uscc import UsccError, validate_uscc


def source_value(text: str) -> str:
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


VALUE_FIELDS = tuple(spec.name for spec in (*PROFILE_FIELDS, *YEAR_FIELDS))
ROW_SCHEMA: dict[str, type[pl.DataType]] = {
    "row_no": pl.Int64,
    "uscc": pl.String,
    "source": pl.String,
    "year": pl.Int32,
    **dict.fromkeys(VALUE_FIELDS, pl.String),
}


def rows_frame(rows: list[ProfileRow]) -> pl.DataFrame:
    """ProfileRows as a frame of ROW_SCHEMA."""
    return pl.DataFrame(
        [
            (
                r.row_no,
                r.uscc,
                r.source,
                r.year,
                *[{**r.profile, **r.year_values}.get(n) for n in VALUE_FIELDS],
            )
            for r in rows
        ],
        schema=ROW_SCHEMA,
        orient="row",
    )


def frame_rows(frame: pl.DataFrame) -> list[ProfileRow]:
    """A frame of ROW_SCHEMA as ProfileRows (blank fields left out)."""
    profile_names = [spec.name for spec in PROFILE_FIELDS]
    year_names = [spec.name for spec in YEAR_FIELDS]
    rows = []
    for record in frame.iter_rows(named=True):
        rows.append(
            ProfileRow(
                record["uscc"],
                record["source"],
                {n: record[n] for n in profile_names if record[n] is not None},
                record["year"],
                {n: record[n] for n in year_names if record[n] is not None},
                row_no=record["row_no"],
            )
        )
    return rows


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
        row, errors = self._check_cells(number, cells)
        if row is None:
            return None, errors
        key = (row.uscc, row.source, row.year)
        if key in self.seen:
            return None, [self._duplicate(number, self.seen[key])]
        self.seen[key] = number
        return row, []

    def _duplicate(self, number: int, first: int) -> RowError:
        return RowError(number, self.labels["uscc"], f"与第 {first} 行重复（同一企业、来源和年度）")

    def _check_cells(
        self, number: int, cells: dict[str, str]
    ) -> tuple[ProfileRow | None, list[RowError]]:
        """Every check of one row but the duplicate check."""
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
            source = source_value(cells.get("source", ""))
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
        if errors:
            return None, errors
        return ProfileRow(code, source, profile, year, year_values, row_no=number), []

    def check_table(
        self, numbers: list[int], table: dict[str, list[str]]
    ) -> tuple[list[ProfileRow], list[RowError]]:
        """`check` over every row at once (see check_frame); the rows as ProfileRows."""
        columns = {key: pl.Series(values, dtype=pl.String) for key, values in table.items()}
        frame, errors = self.check_frame(pl.Series(numbers, dtype=pl.Int64), columns)
        return frame_rows(frame), errors

    def check_frame(
        self, numbers: pl.Series, column: dict[str, pl.Series]
    ) -> tuple[pl.DataFrame, list[RowError]]:
        """`check` over every row at once: the columns are checked vectorised
        (columns.py); a row with any doubtful cell goes through the row check itself, so
        its errors read exactly as they would row by row. Returns the accepted rows in
        file order as a frame of ROW_SCHEMA (canonical texts, null where blank)."""
        height = len(numbers)
        blank = pl.Series([""] * height, dtype=pl.String)

        def cells_of(key: str) -> pl.Series:
            return column.get(key, blank)

        codes = cells_of("uscc")
        code_ok = pl.DataFrame({"c": codes}).select(uscc_valid(pl.col("c")))["c"]
        sources = check_column(cells_of("source"), source_value)
        ok = code_ok & sources.ok & sources.values.is_not_null()
        has_data = pl.Series([False] * height)
        reported = pl.Series([False] * height)
        values: dict[str, pl.Series] = {}
        for spec in (*PROFILE_FIELDS, *YEAR_FIELDS):
            if spec.name not in column:
                continue
            checked = check_column(column[spec.name], spec.parse, _FAST.get(spec.name))
            ok = ok & checked.ok
            values[spec.name] = checked.values
            has_data = has_data | checked.values.is_not_null()
            if spec in YEAR_FIELDS:
                reported = reported | checked.values.is_not_null()
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
        ok = ok & year_ok & (year_given | ~reported) & has_data
        frame = pl.DataFrame(
            {
                "row_no": numbers.cast(pl.Int64),
                "uscc": codes,
                "source": sources.values,
                "year": years,
                **{
                    name: values.get(name, pl.Series([None] * height, dtype=pl.String))
                    for name in VALUE_FIELDS
                },
            }
        )
        clean = frame.filter(ok)
        doubtful, errors = self._check_doubtful(numbers.filter(~ok), column, ~ok)
        return self._without_duplicates(pl.concat([clean, doubtful]).sort("row_no"), errors)

    def _check_doubtful(
        self, numbers: pl.Series, column: dict[str, pl.Series], mask: pl.Series
    ) -> tuple[pl.DataFrame, list[RowError]]:
        cells = {key: series.filter(mask).to_list() for key, series in column.items()}
        rows: list[ProfileRow] = []
        errors: list[RowError] = []
        for i, number in enumerate(numbers.to_list()):
            row, row_errors = self._check_cells(number, {k: v[i] for k, v in cells.items()})
            if row is not None:
                rows.append(row)
            errors.extend(row_errors)
        return rows_frame(rows), errors

    def _without_duplicates(
        self, frame: pl.DataFrame, errors: list[RowError]
    ) -> tuple[pl.DataFrame, list[RowError]]:
        """Drop (and report) each row whose enterprise, source and year an earlier
        accepted row (or an earlier call) already had."""
        key = ["uscc", "source", "year"]
        earlier = pl.DataFrame(
            [(*k, n) for k, n in self.seen.items()],
            schema={"uscc": pl.String, "source": pl.String, "year": pl.Int32, "row_no": pl.Int64},
            orient="row",
        )
        firsts = (
            pl.concat([earlier, frame.select(*key, "row_no")])
            .group_by(key, maintain_order=True)
            .agg(pl.col("row_no").first().alias("first"))
        )
        marked = frame.join(firsts, on=key, how="left", nulls_equal=True, maintain_order="left")
        repeated = marked.filter(pl.col("first") != pl.col("row_no"))
        errors = errors + [
            self._duplicate(number, first)
            for number, first in repeated.select("row_no", "first").iter_rows()
        ]
        kept = marked.filter(pl.col("first") == pl.col("row_no")).drop("first")
        self.seen.update({(u, s, y): n for u, s, y, n in kept.select(*key, "row_no").iter_rows()})
        return kept, sorted(errors, key=lambda e: e.row)

    def finish_frame(self, frame: pl.DataFrame) -> tuple[pl.DataFrame, list[RowError]]:
        """`finish` for a frame of ROW_SCHEMA."""
        named = frame.filter(pl.col("name").is_not_null())["uscc"].unique()
        unnamed = sorted(set(frame["uscc"].unique().to_list()) - set(named.to_list()))
        missing = set(unnamed) - self._existing(unnamed)
        if not missing:
            return frame, []
        lacking = pl.col("uscc").is_in(sorted(missing))
        errors = [
            RowError(number, self.labels["name"], "企业库中尚无该企业，新企业须填写企业名称")
            for number in frame.filter(lacking)["row_no"].to_list()
        ]
        return frame.filter(~lacking), errors

    @staticmethod
    def _existing(usccs: list[str]) -> set[str]:
        existing: set[str] = set()
        for start in range(0, len(usccs), CHUNK):
            existing.update(
                Enterprise.objects.filter(uscc__in=usccs[start : start + CHUNK]).values_list(
                    "uscc", flat=True
                )
            )
        return existing

    def finish(self, rows: list[ProfileRow]) -> tuple[list[ProfileRow], list[RowError]]:
        """New enterprises need a name in at least one of their rows."""
        named = {r.uscc for r in rows if r.profile.get("name")}
        unnamed = sorted({r.uscc for r in rows} - named)
        missing = set(unnamed) - self._existing(unnamed)
        if not missing:
            return rows, []
        errors = [
            RowError(r.row_no, self.labels["name"], "企业库中尚无该企业，新企业须填写企业名称")
            for r in rows
            if r.uscc in missing
        ]
        return [r for r in rows if r.uscc not in missing], errors
