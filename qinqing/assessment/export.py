"""The monthly (or yearly) report as an Excel workbook: ranking, then every score's lines."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from qinqing.assessment.scoring import DepartmentScore, Period
from qinqing.lib.excel import safe_cell, safe_row


def report_workbook(scheme_name: str, period: Period, results: list[DepartmentScore]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "排名"
    ws.append([safe_cell(f"{scheme_name} · {period.label} 考核排名")])
    ws["A1"].font = Font(bold=True, size=14)
    indicators = [line.indicator.name for line in results[0].lines] if results else []
    ws.append(safe_row(["名次", "单位", "总分", *indicators]))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for r in results:
        ws.append(
            safe_row(
                [
                    r.rank,
                    r.department.name,
                    float(r.total),
                    *(float(line.points) for line in r.lines),
                ]
            )
        )
    ws.column_dimensions["B"].width = 24
    detail = wb.create_sheet("得分明细")
    detail.append(["单位", "指标", "数值", "得分", "计算过程"])
    for cell in detail[1]:
        cell.font = Font(bold=True)
    for r in results:
        for line in r.lines:
            detail.append(
                safe_row(
                    [
                        r.department.name,
                        line.indicator.name,
                        None if line.value is None else round(line.value, 4),
                        float(line.points),
                        line.how,
                    ]
                )
            )
    detail.column_dimensions["A"].width = 20
    detail.column_dimensions["B"].width = 24
    detail.column_dimensions["E"].width = 80
    for row in detail.iter_rows(min_row=2):
        row[4].alignment = Alignment(wrap_text=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
