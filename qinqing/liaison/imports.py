"""Bulk 包联 assignment from an Excel sheet. Every row is checked first; one bad row
means nothing is written and each problem is reported by row and column, in Chinese."""

import datetime as dt
import io
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import load_workbook

from qinqing.accounts.models import Organisation, User
from qinqing.enterprises.models import Enterprise
from qinqing.liaison import selectors
from qinqing.liaison.models import Liaison, LiaisonRole
from qinqing.liaison.services import assign_liaison, clean_text, require

HEADER = ["统一社会信用代码", "包联角色", "干部账号", "包联单位编码", "开始日期", "结束日期"]
ROLE_BY_LABEL = {
    "包联领导": "leader",
    "联络员": "contact",
    "服务专员": "specialist",
    "服务小组成员": "team_member",
}
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError from None


def parse_rows(data: bytes) -> tuple[list[dict[str, Any]], list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        return [], ["文件不是有效的 Excel（.xlsx）文件。"]
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2))
    if not rows:
        return [], ["表格是空的。"]
    header = [clean_text(c, "header", "表头", max_length=50, required=False) for c in rows[0]]
    missing = [h for h in HEADER[:2] + ["开始日期"] if h not in header]
    if missing:
        return [], [f"第 1 行缺少列：{'、'.join(missing)}。表头应为：{'、'.join(HEADER)}。"]
    if len(rows) > MAX_ROWS + 1:
        return [], [f"一次最多导入 {MAX_ROWS} 行。"]
    col = {h: header.index(h) for h in HEADER if h in header}
    parsed: list[dict[str, Any]] = []
    errors: list[str] = []

    def cell(row: tuple[Any, ...], name: str) -> Any:
        i = col.get(name)
        return row[i] if i is not None and i < len(row) else None

    for n, row in enumerate(rows[1:], start=2):
        if all(v in (None, "") for v in row):
            continue
        found: dict[str, Any] = {"row": n}
        problems: list[str] = []
        uscc = clean_text(cell(row, "统一社会信用代码"), "u", "", max_length=30, required=False)
        found["enterprise"] = Enterprise.objects.filter(uscc=uscc.upper()).first() if uscc else None
        if found["enterprise"] is None:
            problems.append(f"「统一社会信用代码」{uscc or '为空'}：企业库中没有这家企业")
        role_label = clean_text(cell(row, "包联角色"), "r", "", max_length=20, required=False)
        found["role"] = ROLE_BY_LABEL.get(role_label) or (
            role_label if role_label in LiaisonRole.values else None
        )
        if found["role"] is None:
            problems.append(f"「包联角色」“{role_label}”无效，应为{'、'.join(ROLE_BY_LABEL)}之一")
        username = clean_text(cell(row, "干部账号"), "c", "", max_length=150, required=False)
        org_code = clean_text(cell(row, "包联单位编码"), "o", "", max_length=20, required=False)
        found["cadre"] = (
            User.objects.filter(username=username, is_active=True, uscc="").first()
            if username
            else None
        )
        if username and found["cadre"] is None:
            problems.append(f"「干部账号」{username}：找不到在岗的工作人员账号")
        found["organisation"] = (
            Organisation.objects.filter(code=org_code).first() if org_code else None
        )
        if org_code and found["organisation"] is None:
            problems.append(f"「包联单位编码」{org_code}：找不到该单位")
        if not username and not org_code:
            problems.append("「干部账号」和「包联单位编码」至少填写一个")
        for key, name in (("starts_on", "开始日期"), ("ends_on", "结束日期")):
            try:
                found[key] = _date(cell(row, name))
            except ValueError:
                problems.append(f"「{name}」不是有效日期（例如 2026-12-01）")
                found[key] = None
        if found.get("starts_on") is None and not any("开始日期" in p for p in problems):
            problems.append("「开始日期」为空")
        if (
            found.get("starts_on")
            and found.get("ends_on")
            and found["ends_on"] < found["starts_on"]
        ):
            problems.append("「结束日期」早于开始日期")
        if problems:
            errors.append(f"第 {n} 行：" + "；".join(problems) + "。")
        else:
            parsed.append(found)
    return parsed, errors


def import_liaisons(data: bytes, *, actor: User) -> list[Liaison]:
    """All rows or none. Raises ValidationError({"file": [row messages]})."""
    require(selectors.is_officer(actor), actor, "import")
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": "文件超过 5 MB。"})
    rows, errors = parse_rows(data)
    if errors:
        raise ValidationError({"file": errors})
    if not rows:
        raise ValidationError({"file": "表格中没有数据行。"})
    created: list[Liaison] = []
    with transaction.atomic():
        for row in rows:
            try:
                created.append(
                    assign_liaison(
                        row["enterprise"],
                        actor=actor,
                        role=row["role"],
                        cadre=row["cadre"],
                        organisation=row["organisation"],
                        starts_on=row["starts_on"],
                        ends_on=row["ends_on"],
                    )
                )
            except ValidationError as exc:
                messages = "；".join(m for ms in exc.message_dict.values() for m in ms)
                raise ValidationError({"file": [f"第 {row['row']} 行：{messages}"]}) from exc
    return created
