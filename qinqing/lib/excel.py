"""Excel (.xlsx) exports of lists: one sheet, a header row, streamed rows.

Every cell that leaves the system goes through `safe_cell`: a text that a spreadsheet would
read as a formula (`=`, `+`, `-`, `@`, or a tab/CR before one) is written as text with a
leading apostrophe, and characters the file format cannot hold (C0 controls other than
tab/LF/CR) are dropped, so one bad row never breaks an export for everyone.
"""

import io
import math
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def safe_cell(value: object) -> object:
    """`value` as a cell may hold it: text cleaned of illegal characters and never a
    formula; a number that is not finite (NaN, infinity) as an empty cell, as the file
    format has no such number; other values unchanged. A number stays a number, and a
    text that is a plain number ("-1") stays as typed: neither is a formula."""
    if isinstance(value, float | Decimal) and not math.isfinite(value):
        return ""
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if text.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def safe_row(row: Iterable[object]) -> list[object]:
    return [safe_cell(value) for value in row]


def xlsx_bytes(sheet_title: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A write-only workbook (constant memory per row) with `header` then `rows`."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.append(safe_row(header))
    for row in rows:
        sheet.append(safe_row(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
