"""API shapes: <Noun>Create for input, <Noun>Read for output."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class LiaisonCreate(Schema):
    enterprise_id: int
    role: str
    cadre_id: int | None = None
    organisation_id: int | None = None
    starts_on: dt.date
    ends_on: dt.date | None = None


class LiaisonRead(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    role: str
    cadre_id: int | None
    cadre_name: str
    organisation_id: int | None
    starts_on: dt.date
    ends_on: dt.date | None


class VisitCreate(Schema):
    enterprise_id: int
    visited_on: dt.date
    people_met: str = Field(max_length=200)
    discussion: str = Field(max_length=5000)


class DifficultyCreate(Schema):
    title: str = Field(max_length=200)
    description: str = Field(max_length=5000)
    money: Decimal | None = None


class DifficultyRead(Schema):
    id: int
    enterprise_id: int
    title: str
    money: Decimal | None
    appeal_number: str | None
    appeal_status: str | None


class VisitRead(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    cadre_id: int
    cadre_name: str
    visited_on: dt.date
    people_met: str
    discussion: str
    difficulties: list[DifficultyRead]


class RoundCreate(Schema):
    name: str = Field(max_length=100)
    starts_on: dt.date
    ends_on: dt.date
    radius_m: int = 500
    sample_size: int = 3


class RoundRead(Schema):
    id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    status: str
    radius_m: int
    sample_size: int


class StayCreate(Schema):
    cadre_id: int
    enterprise_id: int
    starts_on: dt.date
    days: int = 14


class StayRead(Schema):
    id: int
    round_id: int
    cadre_id: int
    cadre_name: str
    department_id: int
    enterprise_id: int
    enterprise_name: str
    starts_on: dt.date
    ends_on: dt.date
    score: Decimal | None


class CheckInCreate(Schema):
    kind: str
    lat: float
    lng: float
    accuracy: float | None = None


class CheckInRead(Schema):
    id: int
    day: dt.date
    kind: str
    distance_m: float | None
    in_range: bool | None
    message: str


class NoteCreate(Schema):
    text: str = Field(max_length=2000)


class EvidenceCreate(Schema):
    task: str
    text: str = ""
    on_date: dt.date | None = None
    difficulty_id: int | None = None
    push_id: int | None = None


class TaskRead(Schema):
    task: str
    label: str
    done: bool
    evidence: int


class ScoreCreate(Schema):
    items: dict[str, int]
    comment: str = ""


class ScoreRead(Schema):
    stay_id: int
    total: Decimal
    items: dict[str, int]
    rating_id: int | None


class VerificationRead(Schema):
    id: int
    stay_id: int
    day: dt.date
    method: str
    result: str
    note: str


class VerificationUpdate(Schema):
    method: str
    result: str
    note: str = ""


class RequestCreate(Schema):
    round_id: int
    kind: str
    reason: str = Field(max_length=1000)
    stay_id: int | None = None
    cadre_name: str = ""
    days: int | None = None


class RequestRead(Schema):
    id: int
    round_id: int
    enterprise_id: int
    kind: str
    status: str
    days: int | None
    cadre_name: str
    decision_note: str


class RequestDecision(Schema):
    approve: bool
    note: str = ""


class ActivityCreate(Schema):
    kind: str
    title: str = Field(max_length=200)
    organiser_id: int
    held_on: dt.date
    place: str = ""
    series_id: int | None = None
    invited_ids: list[int] = []


class ActivityRead(Schema):
    id: int
    kind: str
    title: str
    organiser_id: int
    held_on: dt.date
    series_id: int | None


class OutcomeCreate(Schema):
    enterprise_id: int
    kind: str
    bank: str = ""
    amount: Decimal | None = None
    count: int = 1


class FiguresRead(Schema):
    figures: dict[str, Any]
