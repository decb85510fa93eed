"""Figures against counts made by hand from the records the test creates."""

import datetime as dt
from decimal import Decimal

import pytest

from qinqing.liaison import figures, services, stationing
from qinqing.liaison.tests.conftest import close_appeal_through_the_loop
from qinqing.policies.factories import make_enterprise, qualification

pytestmark = pytest.mark.django_db


def test_coverage_of_a_pool_lists_enterprises_with_nobody(supervisor, cadre, district, today):
    pool = [make_enterprise(division=district.street) for _ in range(4)]
    for e in pool:
        qualification(e, "above_scale", dt.date(2024, 1, 1))
    outside = make_enterprise(division=district.street)  # not in the pool
    services.assign_liaison(pool[0], actor=supervisor, role="leader", cadre=cadre, starts_on=today)
    services.assign_liaison(
        pool[1], actor=supervisor, role="contact", organisation=district.dept, starts_on=today
    )
    services.assign_liaison(outside, actor=supervisor, role="contact", cadre=cadre, starts_on=today)
    result = figures.coverage("q:above_scale", user=supervisor)
    assert (result["total"], result["covered"]) == (4, 2)
    assert {e.pk for e in result["uncovered"]} == {pool[2].pk, pool[3].pk}
    assert result["rate"] == 0.5


def test_people_with_too_many_enterprises(supervisor, cadre, district, today, monkeypatch):
    monkeypatch.setattr(figures, "MAX_LOAD", 2)
    pool = [make_enterprise(division=district.street) for _ in range(3)]
    for e in pool:
        qualification(e, "srdi", dt.date(2024, 1, 1))
        services.assign_liaison(e, actor=supervisor, role="contact", cadre=cadre, starts_on=today)
    result = figures.coverage("q:srdi", user=supervisor)
    assert result["overloaded"] == [{"cadre_id": cadre.pk, "name": "刘驻企", "count": 3}]


def test_not_visited_for_n_days(supervisor, cadre, enterprise_a, enterprise_b, today):
    for e in (enterprise_a, enterprise_b):
        services.assign_liaison(
            e,
            actor=supervisor,
            role="contact",
            cadre=cadre,
            starts_on=today - dt.timedelta(days=90),
        )
    services.record_visit(
        enterprise_a,
        actor=cadre,
        visited_on=today - dt.timedelta(days=40),
        people_met="x",
        discussion="y",
    )
    services.record_visit(
        enterprise_b,
        actor=cadre,
        visited_on=today - dt.timedelta(days=5),
        people_met="x",
        discussion="y",
    )
    assert [r["enterprise_id"] for r in figures.not_visited(user=supervisor, days=30)] == [
        enterprise_a.pk
    ]
    assert figures.not_visited(user=supervisor, days=60) == []


def test_round_report_reproduces_the_figures_from_records(
    stay, finished_stay, cadre, other_cadre, supervisor, handler, district
):
    # three problems: two during the stay of cadre (one closed), one during the other stay
    d1 = services.raise_difficulty(
        stay.enterprise, actor=cadre, stay=stay, title="用地", description="x", money="100"
    )
    d2 = services.raise_difficulty(
        stay.enterprise, actor=cadre, stay=stay, title="融资", description="x", money="23.5"
    )
    services.raise_difficulty(
        finished_stay.enterprise,
        actor=other_cadre,
        stay=finished_stay,
        title="用工",
        description="x",
    )
    d1 = services.register_difficulty(d1, actor=supervisor)
    services.register_difficulty(d2, actor=supervisor)
    close_appeal_through_the_loop(
        d1.appeal, office=supervisor, department=district.dept, handler=handler
    )
    report = figures.round_report(stay.round)
    assert report["cadres"] == 2
    assert report["enterprises"] == 1
    assert (report["problems"], report["problems_closed"], report["problems_open"]) == (3, 1, 2)
    assert report["money"] == Decimal("123.50")
    assert report["policies"] == 0


def test_series_figures_count_sessions_enterprises_appeals_and_solved(
    supervisor, handler, district, enterprise_a, enterprise_b, today
):
    for e in (enterprise_a, enterprise_b):
        e.contact_phone = "0826-1234567"
        e.save(update_fields=["contact_phone"])
    series = services.create_series(
        actor=supervisor, name="面对面·周周见", kind="reception", organiser=district.district
    )
    sessions = [
        services.create_activity(
            actor=supervisor,
            kind="reception",
            title=f"第{n}期",
            organiser=district.district,
            held_on=today,
            series=series,
        )
        for n in (1, 2)
    ]
    services.mark_attendance(sessions[0], enterprise_a, actor=supervisor)
    services.mark_attendance(sessions[1], enterprise_a, actor=supervisor)
    services.mark_attendance(sessions[1], enterprise_b, actor=supervisor)
    raised = [
        services.raise_difficulty(e, actor=supervisor, activity=s, title="t", description="d")
        for s, e in (
            (sessions[0], enterprise_a),
            (sessions[1], enterprise_a),
            (sessions[1], enterprise_b),
        )
    ]
    close_appeal_through_the_loop(
        raised[0].appeal, office=supervisor, department=district.dept, handler=handler
    )
    close_appeal_through_the_loop(
        raised[1].appeal, office=supervisor, department=district.dept, handler=handler, solved=False
    )
    f = figures.series_figures(series)
    assert f == {"sessions": 2, "enterprises": 2, "appeals": 3, "solved": 1, "closed": 2}


def test_outcomes_per_type_and_bank(supervisor, district, enterprise_a, enterprise_b, today):
    activity = services.create_activity(
        actor=supervisor,
        kind="financing",
        title="知识产权质押融资对接会",
        organiser=district.dept,
        held_on=today,
    )
    services.record_outcome(
        activity,
        enterprise_a,
        actor=supervisor,
        kind="loan_requested",
        bank="农商银行",
        amount="500",
    )
    services.record_outcome(
        activity, enterprise_a, actor=supervisor, kind="loan_granted", bank="农商银行", amount="300"
    )
    services.record_outcome(
        activity,
        enterprise_b,
        actor=supervisor,
        kind="loan_requested",
        bank="建设银行",
        amount="200",
    )
    out = figures.outcome_figures(type(activity).objects.all())
    banks = {b["bank"]: (b["requested"], b["granted"]) for b in out["loans_by_bank"]}
    assert banks == {
        "农商银行": (Decimal("500"), Decimal("300")),
        "建设银行": (Decimal("200"), None),
    }
    by_kind = {k["kind"]: k["count"] for k in out["by_kind"]}
    assert by_kind["loan_requested"] == 2 and by_kind["loan_granted"] == 1


def test_assessment_figures_read_scores_and_visits(
    finished_stay, enterprise_user_a, supervisor, other_cadre, district, today
):
    from django.utils import timezone

    from qinqing.assessment.figures import compute

    stationing.score_stay(
        finished_stay,
        actor=enterprise_user_a,
        items={"attitude": 4, "diligence": 4, "solving": 4, "policy": 4},
    )
    start = timezone.now() - dt.timedelta(days=1)
    end = timezone.now() + dt.timedelta(days=1)
    assert compute("liaison_stay_score", [district.other_dept.pk], start, end) == {
        district.other_dept.pk: 0.8
    }
    services.assign_liaison(
        finished_stay.enterprise,
        actor=supervisor,
        role="contact",
        cadre=other_cadre,
        starts_on=today,
    )
    assert compute("liaison_visit_rate", [district.other_dept.pk], start, end) == {
        district.other_dept.pk: 0.0
    }
    services.record_visit(
        finished_stay.enterprise,
        actor=other_cadre,
        visited_on=today,
        people_met="x",
        discussion="y",
    )
    assert compute("liaison_visit_rate", [district.other_dept.pk], start, end) == {
        district.other_dept.pk: 1.0
    }
