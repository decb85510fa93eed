"""The import templates (docs/enterprise-import.md): columns with their Chinese headers,
the labels a cell may use for a source or a metric, and the shapes of an error report."""

from dataclasses import dataclass
from typing import Any

from qinqing.enterprises.fields import PROFILE_FIELDS, YEAR_FIELDS
from qinqing.enterprises.models import ImportJob, Metric, Source

CHUNK = 5000
MAX_REPORTED_ERRORS = 1000

SOURCE_LABELS = {
    "市场监管": Source.MARKET,
    "税务": Source.TAX,
    "统计": Source.STATS,
    "工作人员": Source.OFFICER,
    "企业自报": Source.SELF,
}
METRIC_LABELS = {
    "产值": Metric.OUTPUT_VALUE,
    "营业收入": Metric.REVENUE,
    "税收": Metric.TAX,
    "用电量": Metric.ELECTRICITY,
    "用工人数": Metric.EMPLOYEES,
}

# Template columns: (key, Chinese header). Headers may also be given as the keys.
PROFILE_COLUMNS: list[tuple[str, str]] = [
    ("uscc", "统一社会信用代码"),
    ("source", "数据来源"),
    *[(spec.name, spec.label) for spec in PROFILE_FIELDS],
    ("year", "年度"),
    *[(spec.name, spec.label) for spec in YEAR_FIELDS],
]
INDICATOR_COLUMNS: list[tuple[str, str]] = [
    ("uscc", "统一社会信用代码"),
    ("metric", "指标"),
    ("period", "期间"),
    ("value", "数值"),
    ("source", "数据来源"),
]
PROFILE_EXAMPLE = {
    "uscc": "91511602MA6200001D",
    "source": "市场监管",
    "name": "示例科技有限公司",
    "registered_on": "2018-05-20",
    "division": "511602001",
    "industry_code": "C3911",
    "contact_phone": "13800000000",
    "year": "2024",
    "employees": "120",
    "revenue": "8500.50",
}
INDICATOR_EXAMPLE = {
    "uscc": "91511602MA6200001D",
    "metric": "用电量",
    "period": "2025-03",
    "value": "125000",
    "source": "工作人员",
}


def columns_for(kind: str) -> list[tuple[str, str]]:
    return PROFILE_COLUMNS if kind == ImportJob.Kind.PROFILES else INDICATOR_COLUMNS


@dataclass
class RowError:
    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


class FileRejected(ValueError):
    """The file as a whole cannot be read (format, encoding, headers); Chinese message."""
