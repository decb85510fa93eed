import datetime as dt

from ninja import Field, Schema

from qinqing.appeals.models import AppealType, Channel


class AppealCreate(Schema):
    type: AppealType = AppealType.APPEAL
    channel: Channel = Channel.API
    category_id: int | None = None
    title: str = Field(..., max_length=200)
    description: str = Field(..., max_length=5000)
    enterprise_uscc: str | None = Field(None, description="统一社会信用代码; empty for a citizen")
    requester_name: str = Field(..., max_length=50)
    requester_phone: str = Field(..., max_length=30)
    address: str = Field("", max_length=200)
    division_id: int | None = None


class ClockRead(Schema):
    kind: str
    cycle: int
    started_at: dt.datetime
    due_at: dt.datetime
    paused_at: dt.datetime | None
    stopped_at: dt.datetime | None
    extended_days: int
    warning_level: int


class EventRead(Schema):
    at: dt.datetime
    kind: str
    from_state: str
    to_state: str
    note: str
    actor: str | None


class AppealListItem(Schema):
    id: int
    number: str
    type: str
    channel: str
    status: str
    title: str
    category_id: int | None
    lead_department_id: int | None
    next_due_at: dt.datetime | None
    created_at: dt.datetime
    requester_name: str
    requester_phone: str


class AppealRead(AppealListItem):
    description: str
    enterprise_uscc: str | None
    address: str
    division_id: int
    reply_result: str
    reply_text: str
    callback_solved: bool | None
    rating: str
    duplicate_of_id: int | None
    clocks: list[ClockRead]
    events: list[EventRead]


class DispatchIn(Schema):
    department_id: int
    assist_ids: list[int] = []
    note: str = ""


class NoteIn(Schema):
    note: str = ""


class ReasonIn(Schema):
    reason: str


class ContactIn(Schema):
    method: str = Field(..., description="phone / visit / meeting / online")
    person: str
    contacted_at: dt.datetime | None = None
    note: str = ""


class ReplyIn(Schema):
    result: str = Field(..., description="solved / partly / cannot")
    text: str
    policy_reason: str = ""


class CallBackIn(Schema):
    solved: bool
    rating: str = Field(
        ..., description="very_satisfied / satisfied / basic / unsatisfied / very_unsatisfied"
    )
    note: str = ""


class DuplicateIn(Schema):
    original_id: int
    note: str = ""


class ExtensionCreate(Schema):
    clock: str = Field(..., description="acknowledge / contact / reply / callback")
    days: int
    reason: str


class ExtensionRead(Schema):
    id: int
    appeal_id: int
    clock_id: int
    days: int
    reason: str
    state: str


class ExtensionDecision(Schema):
    approve: bool
    note: str = ""


class ConsultIn(Schema):
    note: str
    agreement: str = ""


class MetricRead(Schema):
    key: str | None
    label: str
    registered: int
    counts: dict[str, int]
    on_time_acknowledge: float | None
    on_time_response: float | None
    on_time_close: float | None
    solved: float | None
    satisfaction: float | None
    reopen: float | None
    returned: float | None
    avg_close_workdays: float | None
    p90_close_workdays: float | None
