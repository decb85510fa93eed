"""API shapes: <Noun>Create for input, <Noun>Read for output. Numbers travel as strings
or decimals and are checked by the services (finite, 0 to 999999999999)."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class ListIndicatorRead(Schema):
    id: int
    year: int
    number: int
    name: str
    lead_department_id: int
    lead_department_name: str
    tasks: int
    done: int
    overdue: int


class PlanLineRead(Schema):
    month: int
    milestone: str
    planned_value: Decimal | None


class PlanLineCreate(Schema):
    month: int = Field(ge=1, le=12)
    milestone: str = Field(max_length=200)
    planned_value: str | None = Field(default=None, max_length=30)


class ListTaskCreate(Schema):
    indicator_id: int
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=5000)
    lead_unit_id: int
    unit_ids: list[int] = Field(default_factory=list, max_length=50)
    due_on: dt.date
    target_value: str = Field(max_length=30)
    target_unit: str = Field(max_length=20)
    target_text: str = Field(default="", max_length=200)
    cycle: str = "monthly"
    plan: list[PlanLineCreate] = Field(default_factory=list, max_length=12)


class ListTaskRead(Schema):
    id: int
    indicator_id: int
    indicator_name: str
    title: str
    lead_unit_id: int
    lead_unit_name: str
    unit_ids: list[int]
    due_on: dt.date
    target_value: Decimal
    target_unit: str
    achieved_value: Decimal | None
    cycle: str
    status: str
    overdue: bool
    completed_at: dt.datetime | None
    escalation_levels: list[int]
    plan: list[PlanLineRead]


class ReportCreate(Schema):
    text: str = Field(max_length=5000)
    achieved_value: str | None = Field(default=None, max_length=30)
    complete: bool = False


class ReportRead(Schema):
    id: int
    task_id: int
    period_start: dt.date
    text: str
    achieved_value: Decimal | None
    completes: bool
    unit_id: int
    evidence: list[str]
    task_status: str


class FindingCreate(Schema):
    source: str
    organisation_id: int
    title: str = Field(max_length=200)
    detail: str = Field(default="", max_length=5000)
    found_on: dt.date
    limit_days: int = Field(default=10, ge=1, le=120)
    indicator_id: int | None = None


class FindingRead(Schema):
    id: int
    number: str
    source: str
    organisation_id: int
    organisation_name: str
    title: str
    found_on: dt.date
    due_at: dt.datetime
    status: str
    rectified_at: dt.datetime | None
    rectified_on_time: bool


class SubmissionCreate(Schema):
    text: str = Field(max_length=5000)


class ReviewCreate(Schema):
    accept: bool
    note: str = Field(default="", max_length=2000)


class MonthlyLine(Schema):
    task_id: int
    indicator: str
    task: str
    lead_unit: str
    due_on: dt.date
    target: str
    achieved: Decimal | None
    progress: float | None
    plan: str
    reports: list[str]
    state: str
    escalation: str
    comments: list[str]


class MonthlyRead(Schema):
    year: int
    month: int
    lines: list[MonthlyLine]
