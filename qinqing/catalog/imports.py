"""Import of the catalog (实施清单) from Excel or CSV.

Two shapes are read by their headers: the provincial export (department, main_item,
name, itemCode, taskType, link — names and codes only; such items are listed but cannot
be applied for until their time limits are filled in) and our full template (Chinese
headers, see TEMPLATE_COLUMNS). Every bad cell becomes a row error in Chinese naming the
row and the field. Mode "all": any error writes nothing; mode "valid": the good rows are
written and the bad ones reported."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from qinqing.accounts.models import Organisation, OrgKind
from qinqing.catalog import search
from qinqing.catalog.models import (
    CHANNELS,
    ItemType,
    MaterialSource,
    OnlineDepth,
    ServiceItem,
    Visits,
    validate_item_code,
)
from qinqing.catalog.services import replace_materials
from qinqing.catalog.vocab import CERTIFICATE_KINDS
from qinqing.enterprises.imports import FileRejected, read_table

MODES = ("all", "valid")
MAX_ROWS = 50_000

# key -> header names that mean it (provincial export first, then our template)
ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("itemCode", "事项编码", "实施编码"),
    "name": ("name", "事项名称"),
    "department": ("department", "部门", "实施主体"),
    "main_item": ("main_item", "主项名称"),
    "parent_code": ("主项编码",),
    "item_type": ("taskType", "事项类型"),
    "legal_days": ("法定办结时限",),
    "promised_days": ("承诺办结时限",),
    "kind": ("办件类型",),
    "visits": ("到现场次数",),
    "online_depth": ("网办深度",),
    "channels": ("办理渠道",),
    "scope": ("通办范围",),
    "notify_commit": ("告知承诺",),
    "tolerate_missing": ("容缺受理",),
    "fee": ("收费标准",),
    "legal_basis": ("设定依据",),
    "conditions": ("受理条件",),
    "window": ("办理窗口",),
    "materials": ("申请材料",),
    "keywords": ("常用说法",),
    "link": ("link", "办事指南链接"),
}
TEMPLATE_COLUMNS = [names[-1] for names in ALIASES.values() if names[-1] != "link"]
LABELS = {key: names[-1] for key, names in ALIASES.items()}

# the province's taskType codes (national 事项类型 codes) and the Chinese names
TYPE_CODES = {
    "1": "licence",
    "5": "payment",
    "7": "confirmation",
    "8": "reward",
    "9": "adjudication",
    "10": "other_power",
    "20": "public_service",
}
TYPE_NAMES = {str(label): value for value, label in ItemType.choices} | {
    "行政许可": "licence",
    "行政给付": "payment",
    "行政确认": "confirmation",
    "行政奖励": "reward",
    "行政裁决": "adjudication",
    "其他行政权力": "other_power",
    "公共服务": "public_service",
}
SCOPE_NAMES = {
    "": "",
    "无": "",
    "全市通办": "city",
    "全市": "city",
    "全省通办": "province",
    "全省": "province",
    "川渝通办": "chuanyu",
    "川渝": "chuanyu",
    "跨省通办": "national",
    "跨省": "national",
    "全国": "national",
}
CHANNEL_NAMES = {label: key for key, label in CHANNELS.items()}
DEPTH_NAMES = {
    "一级": 1,
    "二级": 2,
    "三级": 3,
    "四级": 4,
    "全程网办": 4,
    "1": 1,
    "2": 2,
    "3": 3,
    "4": 4,
}
YES = {"是", "允许", "可", "1", "Y", "y", "true"}
NO = {"", "否", "不允许", "0", "N", "n", "false"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# "营业执照[business_licence]；租赁合同；…"  a material with its certificate kind in brackets
_MATERIAL = re.compile(
    r"^(?P<name>[^\[\]（）()]+?)\s*(?:[\[［](?P<kind>[a-z_:]+)[\]］])?\s*(?P<shared>[（(]部门共享[)）])?$"
)


@dataclass
class RowError:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行 {self.field}：{self.message}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    departments_created: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    written: bool = False


def map_header(header: list[str]) -> dict[str, int]:
    index: dict[str, int] = {}
    for position, cell in enumerate(header):
        name = cell.strip().lstrip("\ufeff")
        for key, names in ALIASES.items():
            if name in names and key not in index:
                index[key] = position
    missing = [LABELS[k] for k in ("code", "name", "department") if k not in index]
    if missing:
        raise FileRejected("缺少必需的列：" + "、".join(missing) + "（可用表头见导入模板）")
    return index


def _normal(name: str) -> str:
    for prefix in ("国家税务总局广安市", "广安市", "广安区", "区"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    return name.replace("和", "").replace("局", "")


class DepartmentFinder:
    """Finds the accounts Organisation of a department named as the export names it
    ("区行政审批局" for "广安区行政审批局"); creates missing ones when asked to."""

    def __init__(self, root: Organisation | None, create: bool) -> None:
        self.root, self.create = root, create
        self.by_name: dict[str, Organisation] = {}
        for org in Organisation.objects.filter(kind__in=[OrgKind.DEPARTMENT, OrgKind.WINDOW]):
            for key in (org.name, org.short_name, _normal(org.name), _normal(org.short_name)):
                if key:
                    self.by_name.setdefault(key, org)
        self.to_create: dict[str, None] = {}

    def find(self, name: str) -> Organisation | None:
        return self.by_name.get(name) or self.by_name.get(_normal(name))

    def known_or_creatable(self, name: str) -> bool:
        if self.find(name) is not None:
            return True
        if self.create and self.root is not None:
            self.to_create.setdefault(name, None)
            return True
        return False

    def create_missing(self) -> list[str]:
        made = []
        for name in self.to_create:
            if self.find(name) is None and self.root is not None:
                org = Organisation.objects.create(
                    kind=OrgKind.DEPARTMENT, name=name, parent=self.root
                )
                self.by_name[name] = self.by_name[_normal(name)] = org
                made.append(name)
        return made


def _text(value: str, limit: int) -> str:
    return _CONTROL.sub("", value or "").strip()[:limit]


def _days(raw: str, row: int, key: str, errors: list[RowError]) -> int | None:
    raw = raw.replace("个工作日", "").replace("工作日", "").replace("天", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 0 <= int(raw) <= 365:
        errors.append(RowError(row, LABELS[key], f"“{raw[:20]}”不是 0 至 365 之间的工作日数"))
        return None
    return int(raw)


def _flag(raw: str, row: int, key: str, errors: list[RowError]) -> bool:
    if raw in YES:
        return True
    if raw not in NO:
        errors.append(RowError(row, LABELS[key], f"“{raw[:20]}”应为“是”或“否”"))
    return False


def _materials(raw: str, row: int, errors: list[RowError]) -> list[dict[str, Any]] | None:
    if not raw:
        return None
    found = []
    for order, part in enumerate(p.strip() for p in re.split(r"[；;\n]", raw)):
        if not part:
            continue
        match = _MATERIAL.match(part)
        kind = (match.group("kind") or "") if match else ""
        if match is None or (kind and kind not in CERTIFICATE_KINDS):
            errors.append(
                RowError(
                    row,
                    LABELS["materials"],
                    f"无法识别的材料“{part[:40]}”（证照类型写在方括号里，如 营业执照[business_licence]）",
                )
            )
            continue
        source = (
            MaterialSource.DEPARTMENT
            if match.group("shared")
            else (MaterialSource.CERTIFICATE if kind else MaterialSource.APPLICANT)
        )
        found.append(
            {
                "name": match.group("name").strip()[:120],
                "kind": kind,
                "source": source,
                "order": order,
            }
        )
    return found


def parse_row(
    number: int, cells: list[str], index: dict[str, int], departments: DepartmentFinder
) -> tuple[dict[str, Any] | None, list[RowError]]:
    def cell(key: str) -> str:
        position = index.get(key)
        return (
            _text(cells[position], 5000) if position is not None and position < len(cells) else ""
        )

    errors: list[RowError] = []
    code = cell("code").upper()
    try:
        validate_item_code(code)
    except ValidationError as exc:
        errors.append(RowError(number, LABELS["code"], exc.messages[0] if code else "必填"))
    name = cell("name")
    if not name:
        errors.append(RowError(number, LABELS["name"], "必填"))
    elif len(name) > 200:
        errors.append(RowError(number, LABELS["name"], "不能超过 200 个字"))
    department = cell("department")
    if not department:
        errors.append(RowError(number, LABELS["department"], "必填"))
    elif not departments.known_or_creatable(department):
        errors.append(
            RowError(
                number,
                LABELS["department"],
                f"“{department[:40]}”不在组织机构中（可勾选“自动创建缺少的部门”）",
            )
        )
    raw_type = cell("item_type")
    item_type = TYPE_CODES.get(raw_type) or TYPE_NAMES.get(raw_type)
    if item_type is None:
        if raw_type:
            errors.append(
                RowError(number, LABELS["item_type"], f"“{raw_type[:20]}”不是有效的事项类型")
            )
        item_type = (
            ItemType.PUBLIC_SERVICE if code.startswith(("512", "B", "C")) else ItemType.OTHER_POWER
        )
    legal = _days(cell("legal_days"), number, "legal_days", errors)
    promised = _days(cell("promised_days"), number, "promised_days", errors)
    if legal is not None and promised is not None and promised > legal:
        errors.append(
            RowError(
                number,
                LABELS["promised_days"],
                f"承诺时限 {promised} 天不能超过法定时限 {legal} 天",
            )
        )
    kind = cell("kind")
    if kind not in ("", "即办件", "承诺件"):
        errors.append(RowError(number, LABELS["kind"], "应为“即办件”或“承诺件”"))
    visits = cell("visits").replace("次", "") or "1"
    visits = {"多": "n", "N": "n"}.get(visits, visits)
    if visits not in Visits.values:
        errors.append(RowError(number, LABELS["visits"], "应为 0、1 或 n"))
    depth_raw = cell("online_depth")
    depth = DEPTH_NAMES.get(depth_raw.replace("网办深度", "")) if depth_raw else OnlineDepth.INFO
    if depth is None:
        errors.append(RowError(number, LABELS["online_depth"], "应为一级至四级"))
    channels = [c for c in re.split(r"[、，,；;\s]+", cell("channels")) if c]
    unknown = [c for c in channels if c not in CHANNEL_NAMES]
    if unknown:
        errors.append(
            RowError(
                number,
                LABELS["channels"],
                f"无法识别的渠道“{unknown[0][:20]}”（窗口、网上办、掌上办、自助终端）",
            )
        )
    scope = SCOPE_NAMES.get(cell("scope"))
    if scope is None:
        errors.append(RowError(number, LABELS["scope"], "应为全市、全省、川渝、跨省通办或空"))
    materials = _materials(cell("materials"), number, errors)
    notify_commit = _flag(cell("notify_commit"), number, "notify_commit", errors)
    tolerate_missing = _flag(cell("tolerate_missing"), number, "tolerate_missing", errors)
    if errors:
        return None, errors
    return {
        "code": code,
        "name": name,
        "department": department,
        "main_item_name": "" if cell("main_item") == "未分类" else cell("main_item")[:200],
        "parent_code": cell("parent_code").upper(),
        "item_type": item_type,
        "task_type": raw_type[:4] if raw_type.isdigit() else "",
        "legal_days": legal,
        "promised_days": promised,
        "is_instant": kind == "即办件",
        "visits": visits,
        "online_depth": depth,
        "channels": [CHANNEL_NAMES[c] for c in channels] or ["window"],
        "scope": scope,
        "notify_commit": notify_commit,
        "tolerate_missing": tolerate_missing,
        "fee": cell("fee")[:200] or "不收费",
        "legal_basis": cell("legal_basis"),
        "conditions": cell("conditions"),
        "window": cell("window"),
        "keywords": cell("keywords")[:300],
        "link": cell("link")[:500] if cell("link").startswith(("http://", "https://")) else "",
        "materials": materials,
    }, errors


def import_catalog(
    handle: IO[bytes], filename: str, *, mode: str = "all", create_departments: bool = False
) -> ImportResult:
    if mode not in MODES:
        raise FileRejected("导入方式无效")
    header, body = read_table(handle, filename)
    index = map_header(header)
    root = (
        Organisation.objects.filter(kind=OrgKind.DIVISION, parent__isnull=True)
        .order_by("id")
        .first()
    )
    departments = DepartmentFinder(root, create_departments)
    result = ImportResult()
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, cells in body:
        if number > MAX_ROWS + 1:
            raise FileRejected(f"一次最多导入 {MAX_ROWS} 行，请分批导入")
        row, errors = parse_row(number, cells, index, departments)
        if row is not None and row["code"] in seen:
            errors.append(RowError(number, LABELS["code"], f"与第 {seen[row['code']]} 行重复"))
            row = None
        result.errors += errors
        if row is not None:
            seen[row["code"]] = number
            rows.append(row)
    if result.errors and mode == "all":
        result.skipped = len(rows)
        return result
    with transaction.atomic():
        result.departments_created = departments.create_missing()
        _write(rows, departments, result)
    result.written = True
    return result


def _write(
    rows: Iterable[dict[str, Any]], departments: DepartmentFinder, result: ImportResult
) -> None:
    rows = list(rows)
    existing = ServiceItem.objects.in_bulk([r["code"] for r in rows], field_name="code")
    windows = {o.name: o for o in Organisation.objects.filter(kind=OrgKind.WINDOW)}
    new: list[ServiceItem] = []
    changed: list[ServiceItem] = []
    fields = [
        "name",
        "main_item_name",
        "item_type",
        "task_type",
        "legal_days",
        "promised_days",
        "is_instant",
        "visits",
        "online_depth",
        "channels",
        "scope",
        "notify_commit",
        "tolerate_missing",
        "fee",
        "legal_basis",
        "conditions",
        "keywords",
        "link",
        "department",
        "window",
        "search_text",
    ]
    for row in rows:
        department = departments.find(row["department"])
        assert department is not None
        item = existing.get(row["code"]) or ServiceItem(code=row["code"])
        for key in fields[:-3]:
            setattr(item, key, row[key])
        item.department = department
        item.window = windows.get(row["window"]) if row["window"] else item.window
        item.search_text = search.index_text(
            item.name, item.main_item_name, item.keywords, department.short_name or department.name
        )
        (changed if item.pk else new).append(item)
    ServiceItem.objects.bulk_create(new, batch_size=500)
    ServiceItem.objects.bulk_update(changed, fields, batch_size=500)
    result.created, result.updated = len(new), len(changed)
    by_code = ServiceItem.objects.in_bulk([r["code"] for r in rows], field_name="code")
    parents = ServiceItem.objects.in_bulk(
        [r["parent_code"] for r in rows if r["parent_code"]], field_name="code"
    )
    linked = []
    for row in rows:
        parent = parents.get(row["parent_code"]) if row["parent_code"] else None
        if parent is not None and parent.code != row["code"]:
            item = by_code[row["code"]]
            item.parent = parent
            linked.append(item)
    ServiceItem.objects.bulk_update(linked, ["parent"], batch_size=500)
    for row in rows:
        if row["materials"] is not None:
            replace_materials(
                by_code[row["code"]],
                [{k: v for k, v in m.items() if k != "order"} for m in row["materials"]],
            )
