from datetime import date
from decimal import Decimal
from typing import Any

from ninja import Schema


class ItemRead(Schema):
    id: int
    title: str
    kind: str
    mode: str
    summary: str
    benefit_kind: str
    amount: Decimal | None
    department: str
    contact_name: str
    contact_phone: str
    valid_from: date | None
    valid_to: date | None
    document_title: str
    doc_number: str
    conditions: list[str]


class ConditionRead(Schema):
    status: bool | None
    text: str


class AnswerRead(Schema):
    item_id: int
    title: str
    outcome: str
    amount: float | None
    rule_version: int
    conditions: list[ConditionRead]


class RuleFile(Schema):
    format: str
    rule: dict[str, Any]
    item: str = ""
    version: int = 0
    status: str = ""


class RuleVersionRead(Schema):
    id: int
    number: int
    status: str


class PolicyFiguresRead(Schema):
    applications: int
    approved: int
    rejected: int
    approval_rate: float | None
    days_to_pay: float | None
    amount_total: float
    by_item: list[dict[str, Any]]
    by_department: list[dict[str, Any]]
    by_month: list[dict[str, Any]]
