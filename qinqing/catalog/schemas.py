import datetime as dt

from ninja import Schema


class MaterialRead(Schema):
    name: str
    kind: str
    source: str
    required: bool


class ServiceItemRead(Schema):
    code: str
    name: str
    item_type: str
    department: str
    legal_days: int | None
    promised_days: int | None
    is_instant: bool
    visits: str
    online_depth: int
    channels: list[str]
    scope: str
    notify_commit: bool
    tolerate_missing: bool
    instant_approval: bool
    fee: str
    materials: list[MaterialRead] = []


class BundleRead(Schema):
    code: str
    name: str
    description: str
    items: list[str]


class GuideRead(Schema):
    words: list[str]
    bundles: list[BundleRead]
    items: list[ServiceItemRead]


class MatterCreate(Schema):
    item_code: str
    form_data: dict[str, str] = {}


class MatterAction(Schema):
    reason: str = ""
    legal_ground: str = ""
    note: str = ""
    missing_material: str = ""
    missing_days: int = 5


class MatterRead(Schema):
    id: int
    number: str
    item_code: str
    item_name: str
    status: str
    status_label: str
    channel: str
    applicant_name: str
    submitted_at: dt.datetime
    accepted_at: dt.datetime | None
    due_at: dt.datetime | None
    decided_at: dt.datetime | None
    correction_count: int
    missing_material: str
    auto_decision: list[dict[str, object]]


class FigureRead(Schema):
    department_id: int
    department: str
    items: int
    compression: float | None
    instant_rate: float | None
    zero_visit_share: float | None
    one_visit_share: float | None
    online_count: int
    across_count: int
    on_time_rate: float | None
    flags: int


class CertificateRead(Schema):
    kind: str
    name: str
    number: str
    issuer: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    source: str
