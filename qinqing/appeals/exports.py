"""Excel export of the ledger (openpyxl, write-only), personal data masked."""

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from qinqing.appeals.models import Appeal
from qinqing.appeals.transitions import STATUS_ZH
from qinqing.lib.excel import xlsx_bytes
from qinqing.lib.masking import mask_name, mask_phone

MAX_ROWS = 100_000
HEADERS = [
    "编号",
    "受理时间",
    "类型",
    "渠道",
    "分类",
    "标题",
    "企业",
    "联系人",
    "联系电话",
    "主办单位",
    "状态",
    "下一时限",
    "答复结果",
    "回访评价",
]


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def ledger_xlsx(qs: QuerySet[Appeal]) -> tuple[bytes, bool]:
    """The rows of `qs` (already scoped to the viewer) as .xlsx bytes; True when cut at
    MAX_ROWS."""
    truncated = False

    def rows() -> Iterator[list[Any]]:
        nonlocal truncated
        for count, appeal in enumerate(qs.iterator(chunk_size=2000)):
            if count >= MAX_ROWS:
                truncated = True
                return
            yield _row(appeal)

    data = xlsx_bytes("诉求台账", HEADERS, rows())
    return data, truncated


def _row(appeal: Appeal) -> list[Any]:
    return [
        appeal.number,
        _local(appeal.created_at),
        appeal.get_type_display(),
        appeal.get_channel_display(),
        str(appeal.category) if appeal.category_id else "",
        appeal.title,
        appeal.enterprise.name if appeal.enterprise_id and appeal.enterprise else "",
        mask_name(appeal.requester_name),
        mask_phone(appeal.requester_phone),
        appeal.lead_department.name if appeal.lead_department_id and appeal.lead_department else "",
        STATUS_ZH.get(appeal.status, appeal.status),
        _local(appeal.next_due_at),
        appeal.get_reply_result_display(),
        appeal.get_rating_display(),
    ]
