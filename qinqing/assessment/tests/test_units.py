"""Every unit scored: departments and towns typed per scheme, items by unit type,
dimensions × indicators, and a figure whose data source is not connected."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from qinqing.appeals.models import Appeal
from qinqing.assessment import scoring
from qinqing.assessment.luohe import NAME as LUOHE
from qinqing.assessment.models import AssessedUnit, Indicator, IndicatorKind, Scheme, UnitType
from qinqing.assessment.scoring import MISSING, Period

NOW = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)


def _appeal(n, division, dept, **kw):
    return Appeal.objects.create(
        number=f"U{n:05d}",
        channel="phone",
        title="t",
        description="d",
        requester_name="张三",
        requester_phone="13800000000",
        division=division,
        lead_department=dept,
        status="closed",
        **kw,
    )


@pytest.fixture
def luohe(district):
    scheme = Scheme.objects.get(name=LUOHE)
    for org, kind in [
        (district.dept, UnitType.KEY),
        (district.other_dept, UnitType.GENERAL),
        (district.street, UnitType.TOWN),
    ]:
        AssessedUnit.objects.create(scheme=scheme, organisation=org, unit_type=kind)
    return scheme


def test_luohe_template_has_five_dimensions_and_twenty_three_indicators(db):
    scheme = Scheme.objects.get(name=LUOHE)
    assert [d.name for d in scheme.dimensions.all()] == [
        "政务服务",
        "诉求办理",
        "惠企政策",
        "项目建设",
        "监管执法",
    ]
    assert scheme.indicators.count() == 23
    assert not scheme.indicators.filter(dimension__isnull=True).exists()
    base = scheme.indicators.get(kind=IndicatorKind.BASE)
    assert base.figure == "appeal_satisfied_rate" and base.unit_types == []


def test_items_apply_by_unit_type_and_satisfaction_is_every_units_base(luohe, district):
    units = [district.dept, district.other_dept, district.street]
    results = {r.department.pk: r for r in scoring.score(luohe, units, Period.month(2026, 3))}
    key, general, town = (results[u.pk] for u in units)
    codes = {pk: {line.indicator.code for line in r.lines} for pk, r in results.items()}
    assert "L16" in codes[key.department.pk]  # 项目审批节点按时率: key units only
    assert "L16" not in codes[general.department.pk] and "L16" not in codes[town.department.pk]
    assert "L12" not in codes[town.department.pk]  # 政策兑现: departments only
    assert all("L06" in c for c in codes.values())  # the base score, everyone
    assert (key.unit_type, general.unit_type, town.unit_type) == ("key", "general", "town")
    assert [r.rank for r in results.values()] == [1, 1, 1]  # each alone in its type


def test_town_is_scored_on_the_appeals_of_its_division(luohe, district):
    with time_machine.travel(NOW, tick=False):
        for n, rating in enumerate(["satisfied", "very_satisfied", "unsatisfied", "basic"]):
            _appeal(n, district.street, district.dept, rating=rating, closed_on_time=True)
    results = scoring.score(luohe, [district.street, district.dept], Period.month(2026, 3))
    town = next(r for r in results if r.department == district.street)
    base = next(line for line in town.lines if line.indicator.code == "L06")
    # 满意率: very satisfied, satisfied and basic count as satisfied → 3 / 4
    assert base.value == 0.75 and base.points == Decimal("45.00")  # 60 × 75 %
    assert (
        f"division={district.street.pk}" in base.drill
        and "figure=appeal_satisfied_rate" in base.drill
    )


def test_indicator_without_a_registered_figure_scores_zero_and_says_so(luohe, district):
    Indicator.objects.filter(scheme=luohe, code="L19").update(figure="no_such_figure_yet")
    (result,) = scoring.score(luohe, [district.dept], Period.month(2026, 3))
    line = next(line for line in result.lines if line.indicator.code == "L19")
    assert line.points == 0 and line.value is None
    assert MISSING in line.how and "数据源未接入" in line.formula


def test_unbuilt_task_and_project_figures_do_not_crash_the_ranking(luohe, district):
    (result,) = scoring.score(luohe, [district.dept], Period.month(2026, 3))
    assert len(result.lines) == 23  # a key unit gets every indicator
    assert result.by_dimension()[0][0] == "政务服务"


def test_dimension_subtotals_add_up_to_the_total(luohe, district):
    with time_machine.travel(NOW, tick=False):
        _appeal(1, district.street, district.dept, rating="satisfied", closed_on_time=False)
    (result,) = scoring.score(luohe, [district.dept], Period.month(2026, 3))
    assert sum(v for _, v in result.by_dimension()) == result.total


def test_ranks_count_within_each_unit_type(district):
    a = scoring.DepartmentScore(district.dept, unit_type="general", frozen_total=Decimal(80))
    b = scoring.DepartmentScore(district.other_dept, unit_type="general", frozen_total=Decimal(90))
    c = scoring.DepartmentScore(district.street, unit_type="town", frozen_total=Decimal(70))
    d = scoring.DepartmentScore(district.other_street, unit_type="town", frozen_total=Decimal(70))
    ranked = scoring.rank([a, b, c, d])
    assert [(r.department.name, r.rank) for r in ranked] == [
        ("市场监管局", 1),
        ("经信局", 2),
        ("北辰街道", 1),
        ("广福街道", 1),
    ]
