import datetime as dt
from decimal import Decimal

from ninja import Schema


class EnterpriseRead(Schema):
    uscc: str
    name: str
    division_code: str | None = None
    industry_code: str
    size_class: str
    size_basis_year: int | None = None
    contact_name: str
    contact_phone: str  # masked in lists


class EnterprisePage(Schema):
    items: list[EnterpriseRead]
    page: int
    has_next: bool


class ClaimRead(Schema):
    field: str
    value: str
    source: str
    as_of: dt.datetime | None = None
    others: list[dict[str, str]]


class QualificationRead(Schema):
    kind: str
    certificate_no: str
    issuer: str
    valid_from: dt.date
    valid_to: dt.date | None = None


class YearFigureRead(Schema):
    year: int
    employees: int | None = None
    revenue: Decimal | None = None
    total_assets: Decimal | None = None
    revenue_source: str


class PoolStayRead(Schema):
    pool: str
    entered_on: dt.date
    entry_reason: str
    exited_on: dt.date | None = None
    exit_reason: str


class EnterpriseDetailRead(EnterpriseRead):
    legal_form: str
    registered_on: dt.date | None = None
    registered_capital: Decimal | None = None
    address: str
    profile: list[ClaimRead]
    qualifications: list[QualificationRead]
    figures: list[YearFigureRead]
    pools: list[PoolStayRead]
    tags: list[str]


class ImportJobRead(Schema):
    id: int
    kind: str
    filename: str
    status: str
    percent: int
    total_rows: int
    created_count: int
    updated_count: int
    unchanged_count: int
    error_count: int
    errors: list[dict[str, object]]


class WarningRead(Schema):
    id: int
    uscc: str
    enterprise: str
    rule: str
    period: dt.date
    value: Decimal | None = None
    baseline: Decimal | None = None
    change_percent: Decimal | None = None
    status: str


class WarningHandle(Schema):
    to: str
    note: str = ""
