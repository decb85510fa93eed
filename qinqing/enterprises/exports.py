"""Excel and CSV files the registry hands out: the import templates and the export of a
filtered list (contact phone masked: exports leave the system)."""

import csv
import io
from collections.abc import Iterable

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.styles import Font

from qinqing.enterprises.imports import INDICATOR_EXAMPLE, PROFILE_EXAMPLE, columns_for
from qinqing.enterprises.models import Enterprise, ImportJob, SizeClass
from qinqing.lib.excel import xlsx_bytes
from qinqing.lib.masking import mask_phone

EXPORT_LIMIT = 100_000


def template_workbook(kind: str) -> bytes:
    columns = columns_for(kind)
    example = PROFILE_EXAMPLE if kind == ImportJob.Kind.PROFILES else INDICATOR_EXAMPLE
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "导入数据"
    sheet.append([label for _, label in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append([example.get(key, "") for key, _ in columns])
    for index in range(len(columns)):
        sheet.column_dimensions[sheet.cell(1, index + 1).column_letter].width = 18
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv(kind: str) -> bytes:
    columns = columns_for(kind)
    example = PROFILE_EXAMPLE if kind == ImportJob.Kind.PROFILES else INDICATOR_EXAMPLE
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label for _, label in columns])
    writer.writerow([example.get(key, "") for key, _ in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens it as UTF-8


EXPORT_HEADER = [
    "统一社会信用代码", "企业名称", "行政区划", "行业代码", "企业规模", "划型年度",
    "成立日期", "注册资本（万元）", "联系人", "联系电话",
]  # fmt: skip


def export_rows(qs: QuerySet[Enterprise]) -> Iterable[list[object]]:
    sizes = dict(SizeClass.choices)
    for e in (
        qs.select_related("division")
        .order_by("name", "pk")[:EXPORT_LIMIT]
        .iterator(chunk_size=2000)
    ):
        yield [
            e.uscc, e.name, e.division.name if e.division else "", e.industry_code,
            str(sizes.get(e.size_class, "")) if e.size_class else "", e.size_basis_year,
            e.registered_on, e.registered_capital, e.contact_name, mask_phone(e.contact_phone),
        ]  # fmt: skip


def export_workbook(qs: QuerySet[Enterprise]) -> bytes:
    return xlsx_bytes("企业名单", EXPORT_HEADER, export_rows(qs))
