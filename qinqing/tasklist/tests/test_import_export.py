import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook, load_workbook

from qinqing.tasklist import imports, services
from qinqing.tasklist.models import Indicator, Task


def sheet(*rows: list[object]) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.append(imports.HEADER)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(year: int, **changes: object) -> list[object]:
    values = dict(zip(imports.HEADER, [None] * len(imports.HEADER), strict=True))
    values.update(
        {
            "指标": "获得电力", "指标牵头部门": "经信局", "任务名称": "低压小微企业接电零投资",
            "牵头单位": "D-JXJ", "责任单位": "市场监管局", "完成时限": f"{year}-09-30",
            "目标值": 100, "计量单位": "%", "报送周期": "每月", "3月": "出台方案", "6月": "覆盖一半|50",
        }
    )  # fmt: skip
    values.update(changes)
    return list(values.values())


def test_a_good_sheet_creates_indicator_tasks_and_plan(supervisor, district, today, handler):
    created = imports.import_tasks(sheet(row(today.year)), actor=supervisor, year=today.year)
    task = created[0]
    assert task.indicator.name == "获得电力"
    assert task.indicator.lead_department == district.dept
    assert [u.name for u in task.units.all()] == ["市场监管局"]
    assert [(p.month, p.planned_value) for p in task.plan.all()] == [(3, None), (6, 50)]


def test_errors_name_the_row_and_column_and_nothing_is_written(supervisor, district, today):
    data = sheet(
        row(today.year),
        row(today.year, 牵头单位="不存在局"),
        row(today.year, 目标值="1e400", 完成时限="明年"),
    )
    with pytest.raises(ValidationError) as exc:
        imports.import_tasks(data, actor=supervisor, year=today.year)
    messages = exc.value.message_dict["file"]
    assert messages[0].startswith("第 3 行：E 列「牵头单位」“不存在局”：找不到该单位")
    assert "第 4 行" in messages[1] and "H 列「目标值」" in messages[1]
    assert "G 列「完成时限」" in messages[1]
    assert not Task.objects.exists()
    assert not Indicator.objects.exists()


def test_control_characters_and_unknown_indicators_are_reported(supervisor, district, today):
    rows = [
        imports.HEADER,
        row(today.year, 任务名称="接电\x00零投资"),
        row(today.year, 指标="新指标", 指标牵头部门=None),
    ]
    parsed, errors = imports.parse_rows(rows, year=today.year)
    assert parsed == []
    assert "第 2 行：C 列「任务名称」含有不可见的控制字符" in errors[0]
    assert "第 3 行：A 列「指标」“新指标”不是" in errors[1]


def test_missing_columns_and_junk_files(supervisor, today):
    parsed, errors = imports.parse_rows([["指标", "任务名称"]], year=today.year)
    assert "缺少列" in errors[0]
    with pytest.raises(ValidationError, match="不是有效的 Excel"):
        imports.import_tasks(b"not a workbook", actor=supervisor, year=today.year)


def test_only_the_office_imports(handler, today):
    with pytest.raises(PermissionDenied):
        imports.import_tasks(sheet(), actor=handler, year=today.year)


def test_template_lists_units_and_indicators(indicator, today):
    workbook = load_workbook(io.BytesIO(imports.template_bytes(today.year)))
    assert [c.value for c in workbook["任务清单"][1]] == imports.HEADER
    names = [r[0] for r in workbook["可填写的名称"].iter_rows(values_only=True)]
    assert "经信局" in names
    assert workbook["可填写的名称"]["E2"].value == "开办企业"


def test_monthly_export_escapes_formulas(client_for, supervisor, indicator, district, today):
    task = services.create_task(
        indicator, actor=supervisor, title="=HYPERLINK(\"http://x\")", lead_unit=district.dept,
        due_on=today, target_value="1", target_unit="项",
    )  # fmt: skip
    response = client_for(supervisor).get(
        f"/tasklist/monthly/?year={today.year}&month={today.month}&format=xlsx"
    )
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    titles = [r[3] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert titles == ["'" + task.title]
