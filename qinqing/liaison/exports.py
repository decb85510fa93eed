"""Excel exports of liaison lists: every cell is made safe by lib.excel.safe_cell (no
formula prefixes, no control characters, no NaN) and personal data is masked."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

from qinqing.lib.excel import xlsx_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 100_000


def presentable(value: Any) -> Any:
    """A value as a person reads it in the sheet: nothing as an empty cell, yes/no in
    Chinese, dates as 2026-11-30. Making the cell safe is lib.excel's (xlsx_bytes)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def xlsx_response(
    filename: str, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    def presented_rows() -> Iterable[list[Any]]:
        for n, row in enumerate(rows):
            if n >= MAX_ROWS:
                break
            yield [presentable(v) for v in row]

    response = HttpResponse(xlsx_bytes(title, header, presented_rows()), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
