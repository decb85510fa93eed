import datetime as dt

from ninja import Schema


class ServiceEventCreate(Schema):
    kind: str
    reference: str
    department_id: int
    window_id: int | None = None
    matter: str = ""
    occurred_at: dt.datetime | None = None
    served_phone: str = ""


class ServiceEventRead(Schema):
    id: int
    kind: str
    reference: str
    matter: str
    department_id: int
    window_id: int | None
    served_phone_masked: str
    occurred_at: dt.datetime
    rating_url: str


class RatingCreate(Schema):
    level: int
    tags: list[str] = []
    comment: str = ""


class RatingRead(Schema):
    id: int
    event_reference: str
    level: int
    level_label: str
    tags: list[str]
    comment: str
    channel: str
    rated_at: dt.datetime
    department_id: int
    window_id: int | None
    is_bad: bool
    excluded: bool
    rectification_status: str | None


class RatingFiguresRead(Schema):
    key: int | str | None
    label: str
    count: int
    good_rate: float | None
    bad: int
    rectify_rate: float | None
    callback_rate: float | None
