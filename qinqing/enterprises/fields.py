"""The profile and yearly fields that sources report, with how a raw cell is checked and
how a value is kept in a ProfileClaim (text). One place for parsing, so the import, the
correction form and the API accept and refuse exactly the same things. Pure: no ORM."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from qinqing.enterprises.sizeclass import industry_code_error


class FieldError(ValueError):
    """A value that cannot be accepted; the message says why, in Chinese."""


def parse_text(limit: int) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = " ".join(raw.split())
        if len(value) > limit:
            raise FieldError(f"不能超过 {limit} 个字")
        return value

    return parse


def parse_date(raw: str) -> str:
    text = raw.strip().replace("/", "-").replace(".", "-")
    if " " in text:  # Excel date cells arrive as "2024-01-01 00:00:00"
        text = text.split(" ", 1)[0]
    try:
        value = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise FieldError("日期格式应为 YYYY-MM-DD，如 2024-03-01") from exc
    if not dt.date(1949, 1, 1) <= value <= dt.date(2100, 12, 31):
        raise FieldError("日期超出合理范围")
    return value.isoformat()


def parse_money(raw: str) -> str:
    text = raw.strip().replace(",", "").replace("，", "")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise FieldError("应为数字（单位：万元）") from exc
    if not value.is_finite() or value < 0:
        raise FieldError("应为不小于 0 的数字")
    if value >= Decimal("1e14"):
        raise FieldError("数值过大")
    return str(value.quantize(Decimal("0.01")))


def parse_count(raw: str) -> str:
    text = raw.strip().replace(",", "")
    if text.endswith(".0"):  # Excel numbers
        text = text[:-2]
    if not text.isdigit():
        raise FieldError("应为不小于 0 的整数")
    if len(text) > 9:
        raise FieldError("数值过大")
    return str(int(text))


def parse_bool(raw: str) -> str:
    text = raw.strip().lower()
    if text in {"是", "y", "yes", "true", "1", "1.0"}:
        return "1"
    if text in {"否", "n", "no", "false", "0", "0.0"}:
        return "0"
    raise FieldError("应填“是”或“否”")


def parse_industry(raw: str) -> str:
    code = raw.strip().upper()
    reason = industry_code_error(code)
    if reason:
        raise FieldError(reason)
    return code


def parse_division(raw: str) -> str:
    code = raw.strip()
    if code.endswith(".0"):
        code = code[:-2]
    if not code.isdigit() or len(code) not in (6, 9):
        raise FieldError("行政区划代码应为 6 位（区县）或 9 位（街道、乡镇）数字")
    return code


def parse_rating(raw: str) -> str:
    value = raw.strip().upper()
    if value not in {"A", "B", "M", "C", "D"}:
        raise FieldError("纳税信用等级应为 A、B、M、C、D 之一")
    return value


def parse_phone(raw: str) -> str:
    value = raw.strip()
    if value.endswith(".0"):
        value = value[:-2]
    if len(value) > 30 or not all(ch.isdigit() or ch in "-+ ()" for ch in value):
        raise FieldError("电话号码只能包含数字和 -、+、空格、括号")
    return value


@dataclass(frozen=True)
class FieldSpec:
    name: str  # Enterprise field (division: the GB/T 2260 code of the division)
    label: str  # Chinese column header in the template
    parse: Callable[[str], str]  # raw cell -> canonical claim text, or FieldError


PROFILE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "企业名称", parse_text(200)),
    FieldSpec("legal_form", "企业类型", parse_text(50)),
    FieldSpec("registered_on", "成立日期", parse_date),
    FieldSpec("registered_capital", "注册资本（万元）", parse_money),
    FieldSpec("address", "注册地址", parse_text(200)),
    FieldSpec("division", "行政区划代码", parse_division),
    FieldSpec("industry_code", "行业代码", parse_industry),
    FieldSpec("tax_credit_rating", "纳税信用等级", parse_rating),
    FieldSpec("is_listed", "是否上市", parse_bool),
    FieldSpec("serious_dishonesty", "是否严重失信", parse_bool),
    FieldSpec("contact_name", "联系人", parse_text(50)),
    FieldSpec("contact_phone", "联系电话", parse_phone),
)
PROFILE_FIELD_NAMES = tuple(spec.name for spec in PROFILE_FIELDS)
PROFILE_BY_NAME = {spec.name: spec for spec in PROFILE_FIELDS}

_COUNT = {"employees", "rd_staff", "invention_patents", "utility_patents", "design_patents", "software_copyrights"}  # fmt: skip
YEAR_FIELDS: tuple[FieldSpec, ...] = tuple(
    FieldSpec(name, label, parse_count if name in _COUNT else parse_money)
    for name, label in (
        ("employees", "从业人员"),
        ("rd_staff", "研发人员"),
        ("revenue", "营业收入（万元）"),
        ("total_assets", "资产总额（万元）"),
        ("rd_spending", "研发费用（万元）"),
        ("tax_paid", "纳税额（万元）"),
        ("invention_patents", "发明专利"),
        ("utility_patents", "实用新型专利"),
        ("design_patents", "外观设计专利"),
        ("software_copyrights", "软件著作权"),
    )
)
YEAR_BY_NAME = {spec.name: spec for spec in YEAR_FIELDS}


def claim_to_model(field: str, text: str) -> object:
    """A claim's text as the Enterprise field's value (division stays a code here)."""
    if text == "":
        return None if field in _NULLABLE else ""
    if field == "registered_on":
        return dt.date.fromisoformat(text)
    if field == "registered_capital":
        return Decimal(text)
    if field in {"is_listed", "serious_dishonesty"}:
        return text == "1"
    return text


_NULLABLE = {"registered_on", "registered_capital", "is_listed", "serious_dishonesty", "division"}


def model_to_claim(field: str, value: object) -> str:
    """An Enterprise field's value as claim text (the inverse of claim_to_model)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def year_value(field: str, text: str) -> int | Decimal:
    return int(text) if field in _COUNT else Decimal(text)
