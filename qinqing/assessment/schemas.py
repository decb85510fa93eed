"""API shapes: <Noun>Read for output."""

import datetime as dt
from decimal import Decimal

from ninja import Schema


class ScoreIndicatorRead(Schema):
    id: int
    code: str
    name: str
    dimension: str
    kind: str
    figure: str
    figure_connected: bool
    unit_types: list[str]
    weight: Decimal
    target: Decimal | None
    points_per_percent: Decimal
    min_points: Decimal
    max_points: Decimal


class SchemeRead(Schema):
    id: int
    name: str
    is_default: bool
    dimensions: list[str]
    indicators: list[ScoreIndicatorRead]


class SheetRead(Schema):
    id: int
    scheme_id: int
    month: str  # YYYY-MM
    version: int
    reason: str
    frozen_at: dt.datetime
    frozen_by: str


class UnitScoreRead(Schema):
    unit_id: int
    unit: str
    unit_type: str
    total: Decimal
    rank: int


class ScoresRead(Schema):
    scheme_id: int
    month: str
    frozen: bool
    sheet: SheetRead | None
    units: list[UnitScoreRead]


class LineRead(Schema):
    indicator_code: str
    indicator: str
    dimension: str
    value: float | None
    points: Decimal
    how: str
    formula: str
    drill: str


class UnitLinesRead(Schema):
    unit_id: int
    unit: str
    unit_type: str
    month: str
    frozen: bool
    version: int | None
    total: Decimal
    rank: int
    lines: list[LineRead]
