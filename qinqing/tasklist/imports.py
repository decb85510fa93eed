"""The task list from an Excel sheet. Every row is checked first; one bad row means
nothing is written, and each problem names its row and column in Chinese."""

import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from qinqing.accounts.models import Organisation
from qinqing.lib.excel import safe_cell
from qinqing.tasklist import selectors
from qinqing.tasklist.models import Indicator, ReportCycle, Task
from qinqing.tasklist.services import PlanLine, create_indicator, create_task
from qinqing.tasklist.services.common import clean_number, has_control_chars, require

MONTHS = [f"{m}月" for m in range(1, 13)]
HEADER = [
    "指标",
    "指标牵头部门",
    "任务名称",
    "任务说明",
    "牵头单位",
    "责任单位",
    "完成时限",
    "目标值",
    "计量单位",
    "目标说明",
    "报送周期",
    *MONTHS,
]
REQUIRED = ["指标", "任务名称", "牵头单位", "完成时限", "目标值", "计量单位"]
CYCLES = {
    "每周": ReportCycle.WEEKLY,
    "周报": ReportCycle.WEEKLY,
    "每月": ReportCycle.MONTHLY,
    "月报": ReportCycle.MONTHLY,
    "": ReportCycle.MONTHLY,
}
LIMITS = {"指标": 60, "任务名称": 200, "任务说明": 5000, "目标说明": 200, "计量单位": 20}
MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024
_SPLIT = re.compile(r"[、，,；;\s]+")
_CN_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$")
EXAMPLE = [
    "开办企业",
    "审批局",
    "企业开办全流程压缩至 0.5 个工作日",
    "推行一网通办、一窗受理",
    "审批局",
    "市场监管局、税务局",
    "2026-06-30",
    "0.5",
    "个工作日",
    "企业开办时间",
    "每月",
    "制定方案",
    "系统联调",
    "试运行|1",
]


class RowErrors:
    def __init__(self, row: int, col: dict[str, int]) -> None:
        self.row = row
        self.col = col
        self.problems: list[str] = []

    def add(self, name: str, message: str) -> None:
        letter = get_column_letter(self.col[name] + 1) if name in self.col else ""
        self.problems.append(
            f"{letter} 列「{name}」{message}" if letter else f"「{name}」{message}"
        )

    def text(self) -> str:
        return f"第 {self.row} 行：" + "；".join(self.problems) + "。"


def _units_by_label() -> dict[str, Organisation]:
    found: dict[str, Organisation] = {}
    for org in selectors.unit_choices():
        for label in (org.code, org.short_name, org.name):
            if label:
                found.setdefault(label, org)
    return found


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    match = _CN_DATE.match(text)
    if match:
        return dt.date(*(int(g) for g in match.groups()))
    return dt.date.fromisoformat(text.replace("/", "-").replace(".", "-"))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_rows(
    rows: Sequence[Sequence[Any]], *, year: int
) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows of a sheet (header first) -> (parsed rows, Chinese errors)."""
    if not rows:
        return [], ["表格是空的。"]
    header = [_text(c) for c in rows[0]]
    missing = [h for h in REQUIRED if h not in header]
    if missing:
        return [], [f"第 1 行缺少列：{'、'.join(missing)}。请使用导入模板。"]
    if len(rows) > MAX_ROWS + 1:
        return [], [f"一次最多导入 {MAX_ROWS} 行。"]
    col = {h: header.index(h) for h in HEADER if h in header}
    units = _units_by_label()
    indicators = {i.name: i for i in Indicator.objects.filter(year=year)}
    parsed: list[dict[str, Any]] = []
    errors: list[str] = []
    for n, raw in enumerate(rows[1:], start=2):
        if all(v in (None, "") for v in raw):
            continue
        row = RowErrors(n, col)

        def cell(name: str, raw: Sequence[Any] = raw, row: RowErrors = row) -> str:
            i = col.get(name)
            value = raw[i] if i is not None and i < len(raw) else None
            if has_control_chars(value):
                row.add(name, "含有不可见的控制字符，请删除后重试")
                return ""
            text = _text(value)
            if name in LIMITS and len(text) > LIMITS[name]:
                row.add(name, f"超过 {LIMITS[name]} 个字")
                return ""
            return text

        def number(name: str, text: str, row: RowErrors = row, required: bool = True) -> Any:
            try:
                return clean_number(text, "x", "", required=required)
            except ValidationError as exc:
                message = exc.message_dict["x"][0].removeprefix("请填写").rstrip("。")
                row.add(name, "为空" if not text else f"“{text[:20]}”无效：{message or '应为数字'}")
                return None

        t = {h: cell(h) for h in HEADER}
        found: dict[str, Any] = {"row": n}
        for name in REQUIRED:
            if not t[name] and not any(f"「{name}」" in p for p in row.problems):
                row.add(name, "为空")
        name = t["指标"]
        found["indicator"] = indicators.get(name)
        lead_label = t["指标牵头部门"]
        found["indicator_name"] = name
        found["indicator_lead"] = units.get(lead_label) if lead_label else None
        if name and found["indicator"] is None:
            if not lead_label:
                row.add("指标", f"“{name}”不是 {year} 年的指标；新指标请填写「指标牵头部门」")
            elif found["indicator_lead"] is None:
                row.add("指标牵头部门", f"“{lead_label}”：找不到该单位")
        lead = t["牵头单位"]
        found["lead_unit"] = units.get(lead)
        if lead and found["lead_unit"] is None:
            row.add("牵头单位", f"“{lead}”：找不到该单位")
        found["units"] = []
        for label in filter(None, _SPLIT.split(t["责任单位"])):
            if label not in units:
                row.add("责任单位", f"“{label}”：找不到该单位")
            else:
                found["units"].append(units[label])
        due = t["完成时限"]
        if due:
            try:
                found["due_on"] = _date(_cell_raw(raw, col, "完成时限"))
            except (TypeError, ValueError):
                row.add("完成时限", f"“{due[:20]}”不是有效日期（例如 {year}-06-30）")
            else:
                if found["due_on"].year != year:
                    row.add("完成时限", f"应在 {year} 年内")
        found["target_value"] = number("目标值", t["目标值"]) if t["目标值"] else None
        found["target_unit"] = t["计量单位"]
        found["title"] = t["任务名称"]
        found["description"] = t["任务说明"]
        found["target_text"] = t["目标说明"]
        cycle = t["报送周期"]
        found["cycle"] = CYCLES.get(cycle)
        if found["cycle"] is None:
            row.add("报送周期", f"“{cycle}”无效，应为“每周”或“每月”")
        plan: list[PlanLine] = []
        for month, label in enumerate(MONTHS, start=1):
            text = t[label]
            if not text:
                continue
            milestone, _, value = text.partition("|")
            if len(milestone) > 200:
                row.add(label, "超过 200 个字")
                continue
            planned = number(label, value.strip(), required=False) if value.strip() else None
            plan.append(PlanLine(month, milestone.strip(), planned))
        found["plan"] = plan
        if row.problems:
            errors.append(row.text())
        else:
            parsed.append(found)
    return parsed, errors


def _cell_raw(raw: Sequence[Any], col: dict[str, int], name: str) -> Any:
    i = col[name]
    return raw[i] if i < len(raw) else None


def read_sheet(data: bytes) -> list[tuple[Any, ...]]:
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": "文件超过 5 MB。"})
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        return list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2))
    except Exception:
        raise ValidationError({"file": "文件不是有效的 Excel（.xlsx）文件。"}) from None


def import_tasks(data: bytes, *, actor: Any, year: int) -> list[Task]:
    """All rows or none. Raises ValidationError({"file": [row messages]})."""
    require(selectors.manages(actor), actor, "import")
    rows, errors = parse_rows(read_sheet(data), year=year)
    if errors:
        raise ValidationError({"file": errors})
    if not rows:
        raise ValidationError({"file": "表格中没有数据行。"})
    created: list[Task] = []
    with transaction.atomic():
        new_indicators: dict[str, Indicator] = {}
        for row in rows:
            try:
                indicator = row["indicator"] or new_indicators.get(row["indicator_name"])
                if indicator is None:
                    indicator = create_indicator(
                        actor=actor,
                        year=year,
                        name=row["indicator_name"],
                        lead_department=row["indicator_lead"],
                    )
                    new_indicators[indicator.name] = indicator
                created.append(
                    create_task(
                        indicator,
                        actor=actor,
                        title=row["title"],
                        description=row["description"],
                        lead_unit=row["lead_unit"],
                        units=row["units"],
                        due_on=row["due_on"],
                        target_value=row["target_value"],
                        target_unit=row["target_unit"],
                        target_text=row["target_text"],
                        cycle=row["cycle"],
                        plan=row["plan"],
                    )
                )
            except ValidationError as exc:
                messages = "；".join(m for ms in exc.message_dict.values() for m in ms)
                raise ValidationError({"file": [f"第 {row['row']} 行：{messages}"]}) from exc
    return created


def template_bytes(year: int) -> bytes:
    """The import template: the header, one example row, and a sheet of the names that
    the 单位 and 指标 columns accept."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "任务清单"
    sheet.append([safe_cell(h) for h in HEADER])
    sheet.append([safe_cell(v.replace("2026", str(year))) for v in EXAMPLE])
    for i, width in enumerate([14, 12, 32, 24, 12, 20, 12, 8, 10, 16, 8], start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    names = workbook.create_sheet("可填写的名称")
    names.append(["单位名称", "简称", "编码", "", f"{year} 年指标", "指标牵头部门"])
    units = list(selectors.unit_choices().order_by("path"))
    indicators = list(Indicator.objects.filter(year=year).select_related("lead_department"))
    for i in range(max(len(units), len(indicators))):
        u = units[i] if i < len(units) else None
        ind = indicators[i] if i < len(indicators) else None
        names.append(
            [
                safe_cell(u.name if u else ""),
                safe_cell(u.short_name if u else ""),
                safe_cell(u.code if u else ""),
                "",
                safe_cell(ind.name if ind else ""),
                safe_cell(ind.lead_department.name if ind else ""),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
