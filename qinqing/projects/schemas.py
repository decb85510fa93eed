import datetime as dt

from ninja import Field, Schema


class StageMatterRead(Schema):
    id: int
    number: str
    item: str
    department: str
    status: str
    submitted_at: dt.datetime
    accepted_at: dt.datetime | None
    decided_at: dt.datetime | None
    correction_count: int


class ProjectStageRead(Schema):
    stage: str
    name: str
    start: dt.datetime | None
    finish: dt.datetime | None
    days: float | None
    government_days: float | None
    matters: list[StageMatterRead]


class ProjectAppealRef(Schema):
    id: int
    number: str
    status: str
    status_label: str


class ScheduleItemRead(Schema):
    id: int
    project_id: int
    week: dt.date
    next_step: str
    blocker: str
    owner_unit_id: int
    owner_unit: str
    owner_person_id: int | None
    due_on: dt.date
    status: str
    done_on: dt.date | None
    overdue: bool
    appeal: ProjectAppealRef | None


class ProjectRead(Schema):
    id: int
    code: str
    name: str
    enterprise_uscc: str
    enterprise_name: str
    project_type: str
    standard_land: bool
    lead_department_id: int
    lead_department: str
    division_id: int | None
    investment: str  # 万元, a decimal as text
    permit_mode: str
    flags: list[str]
    stage: str
    stage_name: str


class ProjectChainDaysRead(Schema):
    total: float
    government: float
    applicant: float
    permit_at: dt.datetime


class ProjectDetail(ProjectRead):
    chain: list[ProjectStageRead]
    permit_days: ProjectChainDaysRead | None
    schedule: list[ScheduleItemRead]


class ProjectSummaryRead(Schema):
    year: int
    project_type: str
    label: str
    count: int
    average: float | None
    median: float | None
    p90: float | None
    change: float | None
    government: float | None
    applicant: float | None


class ProjectFlagRead(Schema):
    flag: str
    label: str
    projects: int


class ProjectFiguresRead(Schema):
    definition: str
    permit_days: list[ProjectSummaryRead]
    flags: list[ProjectFlagRead]


class ScheduleItemCreate(Schema):
    next_step: str = Field(max_length=300)
    blocker: str = Field("", max_length=500)
    owner_unit_id: int
    owner_person_id: int | None = None
    due_on: dt.date
    week: dt.date | None = None


class ScheduleItemUpdate(Schema):
    next_step: str | None = Field(None, max_length=300)
    blocker: str | None = Field(None, max_length=500)
    owner_unit_id: int | None = None
    owner_person_id: int | None = None
    due_on: dt.date | None = None
    action: str | None = None  # complete, cancel, reopen
    done_on: dt.date | None = None
    result: str = Field("", max_length=500)
