"""Excel exports of liaison lists: every text cell is made safe (no formula prefixes,
no control characters) and personal data is masked."""

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

from qinqing.lib.excel import xlsx_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 100_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Numbers and dates as they are; text without control characters and with a
    leading apostrophe when it would start a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value if value == value and abs(value) != float("inf") else ""
    if not isinstance(value, str):
        if isinstance(value, Decimal):
            return float(value) if value.is_finite() else ""
        if hasattr(value, "isoformat"):
            return value.isoformat()
        value = str(value)
    text = _CONTROL.sub("", value)
    if text.startswith(_FORMULA_PREFIXES):
        text = "'" + text
    return text


def xlsx_response(
    filename: str, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    def safe_rows() -> Iterable[list[Any]]:
        for n, row in enumerate(rows):
            if n >= MAX_ROWS:
                break
            yield [safe_cell(v) for v in row]

    response = HttpResponse(xlsx_bytes(title, header, safe_rows()), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
