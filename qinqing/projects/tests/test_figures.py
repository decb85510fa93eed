"""The 174.4-days-style figure, computed from matter records and checked by hand."""

import datetime as dt

import pytest
from django.utils import timezone

from qinqing.core.figures import computed_figure
from qinqing.projects import arithmetic as ar
from qinqing.projects import figures, services
from qinqing.projects.models import Project
from qinqing.projects.tests.conftest import TZ, at


def test_arithmetic_splits_government_and_applicant_time_by_hand() -> None:
    establish = ar.MatterTimes(at(2026, 1, 5), at(2026, 1, 6), at(2026, 1, 8), True)
    land = ar.MatterTimes(
        at(2026, 1, 20),
        at(2026, 1, 21),
        at(2026, 2, 2),
        True,
        pauses=((at(2026, 1, 23), at(2026, 1, 28)),),
    )
    permit = ar.MatterTimes(at(2026, 3, 1), at(2026, 3, 2), at(2026, 3, 6), True)
    days = ar.permit_days([establish], [establish, land, permit], at(2026, 3, 6))
    assert days is not None
    # 1月5日 → 3月6日 = 60 days; inside government 2 + (12 − 5 in 补正) + 4 = 13
    assert days.rounded == (60.0, 13.0, 47.0)


def test_parallel_matters_count_once() -> None:
    a = (at(2026, 1, 20), at(2026, 1, 30))
    b = (at(2026, 1, 25), at(2026, 2, 4))
    assert ar.union_days([a, b]) == 15.0


def test_summary_statistics_by_hand() -> None:
    rows = [ar.ChainDays(t, t / 2, t / 2) for t in (100.0, 200.0, 150.0, 174.4, 250.0)]
    last = [ar.ChainDays(250.5, 0, 0)]
    summary = ar.summarise(rows, last)
    assert summary.average == pytest.approx(174.9)  # 874.4 / 5 = 174.88
    assert summary.median == 174.4
    assert summary.p90 == 250.0  # nearest rank: ceil(0.9 × 5) = 5th
    assert summary.change == pytest.approx(-75.6)
    assert ar.summarise([]).average is None


@pytest.fixture
def chain_fixture(items, run_matter, make_project):  # type: ignore[no-untyped-def]
    """P1 and P2 get their permits in 2026 (enterprise investment), P3 in 2025
    (government investment)."""
    p1 = make_project()
    for stage, matter in [
        ("establish", run_matter(items.establish, at(2026, 1, 5), at(2026, 1, 6), at(2026, 1, 8))),
        (
            "land",
            run_matter(
                items.land,
                at(2026, 1, 20),
                at(2026, 1, 21),
                at(2026, 2, 2),
                pauses=((at(2026, 1, 23), at(2026, 1, 28)),),
            ),
        ),
        ("planning", run_matter(items.planning, at(2026, 2, 10), at(2026, 2, 10), at(2026, 2, 20))),
        ("permit", run_matter(items.permit, at(2026, 3, 1), at(2026, 3, 2), at(2026, 3, 6))),
    ]:
        services.link_matter(p1, stage=stage, matter=matter, actor=p1.created_by)
    p2 = make_project(flags={"parallel": True})
    for stage, matter in [
        (
            "establish",
            run_matter(items.establish, at(2026, 1, 10), at(2026, 1, 10), at(2026, 1, 15)),
        ),
        ("land", run_matter(items.land, at(2026, 1, 19), at(2026, 1, 20), at(2026, 1, 30))),
        ("land", run_matter(items.land, at(2026, 1, 24), at(2026, 1, 25), at(2026, 2, 4))),
        ("permit", run_matter(items.permit, at(2026, 2, 10), at(2026, 2, 11), at(2026, 2, 19))),
    ]:
        services.link_matter(p2, stage=stage, matter=matter, actor=p2.created_by)
    p3 = make_project(project_type="government")
    for stage, matter in [
        ("establish", run_matter(items.establish, at(2025, 3, 3), at(2025, 3, 3), at(2025, 3, 13))),
        ("permit", run_matter(items.permit, at(2025, 5, 5), at(2025, 5, 5), at(2025, 6, 2))),
    ]:
        services.link_matter(p3, stage=stage, matter=matter, actor=p3.created_by)
    return p1, p2, p3


def test_permit_days_from_matter_records_match_the_hand_computation(chain_fixture) -> None:  # type: ignore[no-untyped-def]
    p1, p2, p3 = chain_fixture
    found = {r.project_id: r for r in figures.permit_days_of(Project.objects.all())}
    # P1: 1月5日 → 3月6日 = 60 days; government 2 + 7 + 10 + 4 = 23
    assert found[p1.pk].days.rounded == (60.0, 23.0, 37.0)
    # P2: 1月10日 → 2月19日 = 40 days; government 5 + (1月20日–2月4日, parallel) 15 + 8 = 28
    assert found[p2.pk].days.rounded == (40.0, 28.0, 12.0)
    # P3: 2025年3月3日 → 6月2日 = 91 days; government 10 + 28 = 38
    assert found[p3.pk].days.rounded == (91.0, 38.0, 53.0)
    assert (found[p1.pk].year, found[p3.pk].year) == (2026, 2025)

    rows = {
        (r.year, r.project_type): r.summary
        for r in figures.permit_summary(Project.objects.all(), [2026])
    }
    every = rows[(2026, "")]
    assert (every.count, every.average, every.median, every.p90) == (2, 50.0, 50.0, 60.0)
    assert (every.government, every.applicant) == (25.5, 24.5)
    assert every.change == -41.0  # 50 − 91: faster than last year
    assert rows[(2026, "enterprise")].change is None  # no enterprise project in 2025
    assert rows[(2026, "government")].count == 0


def test_stage_moves_when_the_chain_advances(chain_fixture) -> None:  # type: ignore[no-untyped-def]
    p1, p2, p3 = chain_fixture
    p1.refresh_from_db()
    p3.refresh_from_db()
    assert p1.stage == "completion"
    assert p3.stage == "land"  # 用地 and 规划 have no matters yet: the chain waits there


def test_three_stage_permit_counts_from_the_first_permit(items, run_matter, make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project(permit_mode="three")
    links = [
        ("establish", run_matter(items.establish, at(2026, 4, 1), at(2026, 4, 1), at(2026, 4, 3))),
        (
            "permit_earthwork",
            run_matter(items.permit, at(2026, 4, 10), at(2026, 4, 10), at(2026, 4, 21)),
        ),
        ("permit_main", run_matter(items.permit, at(2026, 5, 1), at(2026, 5, 6), at(2026, 5, 11))),
    ]
    for stage, matter in links:
        services.link_matter(project, stage=stage, matter=matter, actor=project.created_by)
    (row,) = figures.permit_days_of(Project.objects.filter(pk=project.pk))
    assert row.days.rounded[0] == 20.0  # 4月1日 → 4月21日: the 土方开挖和基坑支护 permit


def test_flag_counts(make_project) -> None:  # type: ignore[no-untyped-def]
    make_project(flags={"commitment": True, "shared_assessment": True})
    make_project(flags={"commitment": True})
    counts = {name: n for name, _, n in figures.flag_counts(Project.objects.all())}
    assert counts[""] == 2 and counts["commitment"] == 2 and counts["shared_assessment"] == 1
    assert counts["build_first"] == 0


def test_step_on_time_rate_per_unit_and_its_drill_down(district, make_project, handler) -> None:  # type: ignore[no-untyped-def]
    project = make_project()
    today = timezone.localdate()
    due = [today - dt.timedelta(days=d) for d in (10, 8, 6)]
    made = [
        services.add_schedule_item(
            project, actor=handler, next_step=f"第{n}步", owner_unit=district.dept, due_on=day
        )
        for n, day in enumerate(due)
    ]
    services.move_schedule_item(made[0], actor=handler, action="complete", done_on=due[0])
    services.move_schedule_item(
        made[1], actor=handler, action="complete", done_on=due[1] + dt.timedelta(days=1)
    )
    # made[2] is still open: overdue
    fig = computed_figure("project_step_on_time_rate")
    assert fig is not None and fig.drill is not None
    start = dt.datetime.combine(today - dt.timedelta(days=30), dt.time(), tzinfo=TZ)
    end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=TZ)
    values = fig.compute([district.dept.pk, district.other_dept.pk], start, end)
    assert values == {district.dept.pk: round(1 / 3, 4), district.other_dept.pk: None}
    url = fig.drill(district.dept.pk, start, end)
    assert url.startswith("/projects/schedule/?unit=")
    rows = figures.items_due(project.schedule.all(), start.date(), today)
    assert rows.count() == 3
