"""Reading an uploaded .xlsx or .csv into header cells and rows of stripped texts."""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from typing import IO, Any

import polars as pl

from qinqing.enterprises.imports.template import INDICATOR_COLUMNS, FileRejected, columns_for
from qinqing.enterprises.models import ImportJob


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
    return _csv_rows(decode_csv(handle.read()))


def _csv_rows(text: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
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


Columns = dict[str, pl.Series]

# What the Polars reader might read differently from the csv module: quoting, a lone
# carriage return, and the separators str.strip() removes but Unicode does not call space.
_NOT_PLAIN = re.compile(r'["\x1c-\x1f]|\r(?!\n)')


def read_columns(handle: IO[bytes], filename: str, kind: str) -> tuple[pl.Series, Columns]:
    """The body as columns: (row numbers as the user sees them, column key -> stripped
    cell texts), blank rows left out, exactly as read_table gives them. A plain CSV (no
    quotes, the common case) is parsed by Polars; anything else row by row."""
    if filename.lower().endswith(".csv"):
        text = decode_csv(handle.read())
        plain = _plain_csv_columns(text, kind)
        if plain is not None:
            return plain
        header, body = _csv_rows(text)
    else:
        header, body = read_table(handle, filename)
    positions = map_header(header, kind)
    numbers: list[int] = []
    table: dict[str, list[str]] = {key: [] for key in positions}
    for number, cells in body:
        numbers.append(number)
        width = len(cells)
        for key, i in positions.items():
            table[key].append(cells[i] if i < width else "")
    columns = {key: pl.Series(values, dtype=pl.String) for key, values in table.items()}
    return pl.Series(numbers, dtype=pl.Int64), columns


def _plain_csv_columns(text: str, kind: str) -> tuple[pl.Series, Columns] | None:
    if "\n" not in text.strip() or _NOT_PLAIN.search(text):
        return None
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode("utf-8")), has_header=False, infer_schema=False,
            quote_char=None,
        )  # fmt: skip
    except pl.exceptions.PolarsError:  # ragged longer rows: the row reader decides
        return None
    frame = frame.select(pl.all().fill_null("").str.strip_chars())
    header = list(frame.row(0))
    positions = map_header(header, kind)
    body = frame.slice(1).with_row_index("number", offset=2)
    filled = pl.any_horizontal(pl.exclude("number") != "")
    body = body.filter(filled)
    names = frame.columns
    columns = {key: body[names[i]] for key, i in positions.items()}
    return body["number"].cast(pl.Int64), columns
