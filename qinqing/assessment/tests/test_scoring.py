import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from qinqing.appeals.models import Appeal
from qinqing.assessment import scoring, services
from qinqing.assessment.models import AssessmentEvent, Indicator, IndicatorKind, Scheme
from qinqing.assessment.scoring import Period

NOW = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)


def _appeal(n, division, dept, **kw):
    return Appeal.objects.create(
        number=f"A{n:05d}",
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
def march(district):
    with time_machine.travel(NOW, tick=False):
        for n, (rating, on_time) in enumerate(
            [("satisfied", True), ("very_satisfied", True), ("basic", True), ("unsatisfied", False)]
        ):
            _appeal(n, district.district, district.dept, rating=rating, closed_on_time=on_time)
    return district


def test_yongchuan_scheme_is_seeded_as_default(db):
    scheme = Scheme.objects.get(is_default=True)
    kinds = list(scheme.indicators.values_list("kind", flat=True))
    assert kinds[0] == IndicatorKind.BASE and IndicatorKind.MANUAL in kinds
    assert scheme.indicators.get(code="Y01").figure == "appeal_satisfied_rate"


def test_points_for_adjust_indicator_is_capped(db):
    ind = Indicator(
        kind=IndicatorKind.ADJUST,
        target=Decimal("0.95"),
        points_per_percent=Decimal("0.5"),
        min_points=Decimal(-5),
        max_points=Decimal(5),
    )
    assert scoring.points_for(ind, 0.97)[0] == Decimal("1.00")
    points, how = scoring.points_for(ind, 0.75)
    assert points == Decimal("-5.00") and "上下限" in how
    assert scoring.points_for(ind, None)[0] == 0


def test_monthly_scores_match_hand_computation(march, supervisor):
    scheme = Scheme.objects.get(is_default=True)
    manual = scheme.indicators.get(kind=IndicatorKind.MANUAL)
    services.record_manual_entry(
        manual,
        actor=supervisor,
        department=march.dept,
        period=dt.date(2026, 3, 1),
        points=3,
        notes="首创企业开办一窗通办",
    )
    results = scoring.score(scheme, [march.dept, march.other_dept], Period.month(2026, 3))
    by_name = {r.department.name: r for r in results}
    jx = by_name["经信局"]
    # base 100 × 3/4 = 75; close on time 3/4: (75% − 95%) × 0.5 = −10 → capped −5; manual +3
    assert [line.points for line in jx.lines] == [
        Decimal("75.00"),
        Decimal("-5.00"),
        0,
        0,
        0,
        0,
        Decimal("3.00"),
    ]
    assert jx.total == Decimal("73.00")
    sc = by_name["市场监管局"]
    assert sc.lines[0].points == Decimal("75.00") and "全区平均" in sc.lines[0].how
    assert sc.total == Decimal("75.00")
    assert [r.department.name for r in results] == ["市场监管局", "经信局"]
    assert [r.rank for r in results] == [1, 2]


def test_other_month_has_no_data(march):
    scheme = Scheme.objects.get(is_default=True)
    (result,) = scoring.score(scheme, [march.dept], Period.month(2026, 4))
    assert result.total == 0


def test_manual_entry_outside_limits_is_refused_in_chinese(district, supervisor):
    manual = Indicator.objects.get(code="Y07")
    with pytest.raises(ValidationError) as exc:
        services.record_manual_entry(
            manual,
            actor=supervisor,
            department=district.dept,
            period=dt.date(2026, 3, 1),
            points=9,
            notes="x",
        )
    assert "0.00 到 5.00" in exc.value.message_dict["points"][0]


def test_manual_entry_correction_keeps_one_row_and_two_events(district, supervisor):
    manual = Indicator.objects.get(code="Y07")
    for pts in (2, 4):
        entry = services.record_manual_entry(
            manual,
            actor=supervisor,
            department=district.dept,
            period=dt.date(2026, 3, 15),
            points=pts,
            notes="材料齐全",
        )
    assert entry.points == 4 and entry.period == dt.date(2026, 3, 1)
    assert list(AssessmentEvent.objects.values_list("kind", "from_state", "to_state")) == [
        ("entered", "", "2.00"),
        ("corrected", "2.00", "4.00"),
    ]


def test_figure_indicator_cannot_be_entered_by_hand(district, supervisor):
    with pytest.raises(ValidationError):
        services.record_manual_entry(
            Indicator.objects.get(code="Y01"),
            actor=supervisor,
            department=district.dept,
            period=dt.date(2026, 3, 1),
            points=1,
            notes="x",
        )


def test_leader_sees_ranking_with_breakdown_and_exports_excel(march, leader, client_for):
    client = client_for(leader)
    body = client.get(reverse("assessment:ranking"), {"year": 2026, "month": 3}).content.decode()
    assert "经信局" in body and "75.00" in body
    unit = reverse("assessment:unit", args=[march.dept.pk])
    assert "按上下限" in client.get(unit, {"year": 2026, "month": 3}).content.decode()
    response = client.get(reverse("assessment:export"), {"year": 2026, "month": 3})
    wb = load_workbook(io.BytesIO(response.content))
    assert wb["排名"]["B3"].value in {"经信局", "市场监管局"}
    assert wb["得分明细"].max_row > 2
    assert (
        "window.print" in client.get(reverse("assessment:print"), {"year": 2026}).content.decode()
    )


def test_department_head_sees_only_own_breakdown_and_cannot_export(march, dept_head, client_for):
    client = client_for(dept_head)
    body = client.get(reverse("assessment:ranking"), {"year": 2026, "month": 3}).content.decode()
    main = body.split("<main", 1)[1]
    assert main.count('href="/assessment/units/') == 1  # only its own unit's lines
    assert client.get(reverse("assessment:export")).status_code == 403


def test_enterprise_cannot_see_assessment(enterprise_user_a, client_for):
    assert client_for(enterprise_user_a).get(reverse("assessment:ranking")).status_code == 403


def test_only_lead_department_or_supervisor_enters_manual_points(
    district, handler, supervisor, client_for
):
    manual = Indicator.objects.get(code="Y07")
    data = {
        "indicator": manual.pk,
        "department": district.dept.pk,
        "period": "2026-03",
        "points": "2",
        "notes": "典型经验被省里推广",
    }
    assert client_for(handler).post(reverse("assessment:manual"), data).status_code == 403
    assert client_for(supervisor).post(reverse("assessment:manual"), data).status_code == 302
