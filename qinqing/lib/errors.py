"""Chinese sentences for the input errors pydantic (and so the JSON API) reports."""

from collections.abc import Mapping
from typing import Any

_BY_TYPE = {
    "missing": "必填。",
    "int_parsing": "必须是整数。",
    "int_type": "必须是整数。",
    "int_from_float": "必须是整数。",
    "float_parsing": "必须是数字。",
    "float_type": "必须是数字。",
    "finite_number": "必须是有限的数字。",
    "decimal_parsing": "必须是数字。",
    "decimal_type": "必须是数字。",
    "bool_parsing": "必须是 true 或 false。",
    "bool_type": "必须是 true 或 false。",
    "string_type": "必须是文本。",
    "date_parsing": "日期格式应为 YYYY-MM-DD。",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD。",
    "date_type": "日期格式应为 YYYY-MM-DD。",
    "datetime_parsing": "时间格式应为 ISO 8601。",
    "datetime_from_date_parsing": "时间格式应为 ISO 8601。",
    "datetime_type": "时间格式应为 ISO 8601。",
    "list_type": "必须是列表。",
    "dict_type": "必须是对象。",
    "model_attributes_type": "必须是对象。",
    "json_invalid": "请求体不是有效的 JSON。",
    "uuid_parsing": "必须是 UUID。",
    "enum": "取值无效，可选值：{expected}。",
    "literal_error": "取值无效，可选值：{expected}。",
    "greater_than_equal": "不能小于 {ge}。",
    "greater_than": "必须大于 {gt}。",
    "less_than_equal": "不能大于 {le}。",
    "less_than": "必须小于 {lt}。",
    "string_too_long": "最多 {max_length} 个字符。",
    "string_too_short": "至少 {min_length} 个字符。",
    "too_long": "最多 {max_length} 项。",
    "too_short": "至少 {min_length} 项。",
    "extra_forbidden": "不允许的字段。",
    "decimal_max_digits": "数字位数过多。",
    "decimal_max_places": "小数位数过多。",
}


def field_name(loc: Any) -> str:
    """`("query", "page")` -> "page"; `("body", "payload", "items", 0)` -> "items[0]"."""
    parts = [
        str(p)
        for p in (loc or ())
        if p not in ("query", "body", "path", "form", "header", "file", "payload", "cookie")
    ]
    return ".".join(parts)


def message_for(error: Mapping[str, Any]) -> str:
    template = _BY_TYPE.get(str(error.get("type", "")), "取值无效。")
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError, ValueError):
        return "取值无效。"


def chinese_errors(errors: list[Mapping[str, Any]]) -> list[dict[str, str]]:
    return [{"field": field_name(e.get("loc")), "message": message_for(e)} for e in errors]
