"""Excel (.xlsx) exports of lists: one sheet, a header row, streamed rows."""

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook


def xlsx_bytes(sheet_title: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A write-only workbook (constant memory per row) with `header` then `rows`."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
