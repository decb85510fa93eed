import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from qinqing.analytics.intel import hotspot_service
from qinqing.analytics.intel.models import HotspotRun, MonthlyTopic
from qinqing.analytics.tests.test_intel_fixtures import make_appeal

NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
HEATING = [
    ("阳光小区供暖不热", "阳光小区暖气片不热，室内温度只有十五度"),
    ("阳光小区暖气不热", "阳光小区供暖温度不达标，老人孩子受冻"),
    ("阳光小区供暖温度低", "阳光小区今年供暖一直不热，暖气温度低"),
    ("阳光小区暖气片冰凉", "阳光小区暖气片冰凉，供暖公司不处理"),
]
OTHER = [
    ("园区道路破损", "园区门口道路破损严重，货车无法通行"),
    ("银行贷款难", "小微企业申请银行贷款难，抵押物不足"),
    ("招工困难", "企业招工困难，技术工人缺口大"),
]


@pytest.fixture
def period_appeals(district):
    with time_machine.travel(NOW - dt.timedelta(days=5), tick=False):
        for i, (title, text) in enumerate(HEATING):
            make_appeal(
                district.street,
                title=title,
                text=text,
                department=district.dept,
                phone=f"1380000000{i}",
            )
        for title, text in OTHER:
            make_appeal(district.street, title=title, text=text)


def _run(leader, district):
    with time_machine.travel(NOW, tick=False), TestCase.captureOnCommitCallbacks(execute=False):
        run, created = hotspot_service.request_run(actor=leader, division=district.district)
    return run, created


def test_a_run_clusters_the_period_into_ranked_topics(period_appeals, leader, district):
    run, created = _run(leader, district)
    assert created and run.state == HotspotRun.State.PENDING
    assert run.period_end == dt.date(2026, 11, 20) and run.period_start == dt.date(2026, 10, 22)
    run = hotspot_service.compute_run(run.pk)
    assert run.state == HotspotRun.State.DONE and run.n_appeals == 7 and run.finished_at
    top = run.hotspots.first()
    assert top.rank == 1 and top.count == 4 and top.supporters == 4
    assert "阳光小区" in top.places and top.departments == ["经信局"]
    assert top.first_date == top.last_date == dt.date(2026, 11, 15)
    assert hotspot_service.compute_run(run.pk) is None  # claimed once: a retry does nothing


def test_asking_twice_reuses_the_waiting_run(period_appeals, leader, district):
    first, _ = _run(leader, district)
    second, created = _run(leader, district)
    assert second == first and not created


def test_leader_picks_a_hot_spot_as_the_month_topic(period_appeals, leader, district):
    run = hotspot_service.compute_run(_run(leader, district)[0].pk)
    spot = run.hotspots.first()
    topic = hotspot_service.pick_monthly_topic(
        spot,
        actor=leader,
        division=district.district,
        title="阳光小区供暖不热",
        month=dt.date(2026, 11, 20),
        owner=district.dept,
        goal="月底前全部恢复供暖",
    )
    assert topic.month == dt.date(2026, 11, 1) and topic.status == MonthlyTopic.Status.OPEN
    assert [e.kind for e in topic.events.all()] == ["created"]
    with pytest.raises(ValidationError, match="已有同名"):
        hotspot_service.pick_monthly_topic(
            spot,
            actor=leader,
            division=district.district,
            title="阳光小区供暖不热",
            month=dt.date(2026, 11, 1),
            owner=district.dept,
            goal="再来一次",
        )


def test_handler_may_not_pick_a_monthly_topic(
    period_appeals, leader, handler, district, client_for
):
    run = hotspot_service.compute_run(_run(leader, district)[0].pk)
    spot = run.hotspots.first()
    with pytest.raises(hotspot_service.Forbidden):
        hotspot_service.pick_monthly_topic(
            spot,
            actor=handler,
            division=district.district,
            title="x",
            month=dt.date(2026, 11, 1),
            owner=district.dept,
            goal="y",
        )
    assert (
        client_for(handler).get(reverse("analytics:pick_topic", args=[spot.pk])).status_code == 403
    )
    assert client_for(handler).get(reverse("analytics:hotspots")).status_code == 403


def test_leader_picks_through_the_page_and_the_owner_tracks_progress(
    period_appeals, leader, handler, other_handler, district, client_for
):
    run = hotspot_service.compute_run(_run(leader, district)[0].pk)
    spot = run.hotspots.first()
    page = client_for(leader).get(reverse("analytics:hotspots") + f"?run={run.pk}")
    assert page.status_code == 200 and "阳光小区" in page.content.decode()
    assert "选为每月一题" in page.content.decode()  # served in Chinese
    response = client_for(leader).post(
        reverse("analytics:pick_topic", args=[spot.pk]),
        {
            "title": "阳光小区供暖",
            "month": "2026-11",
            "owner": district.dept.pk,
            "goal": "恢复供暖",
        },
    )
    topic = MonthlyTopic.objects.get()
    assert response.status_code == 302 and topic.hotspot == spot
    update = reverse("analytics:update_topic", args=[topic.pk])
    assert client_for(other_handler).post(update, {"status": "in_progress"}).status_code == 404
    client_for(handler).post(update, {"status": "in_progress", "note": "已约谈供暖公司"})
    topic.refresh_from_db()
    assert topic.status == MonthlyTopic.Status.IN_PROGRESS
    assert [e.kind for e in topic.events.all()] == ["created", "status_changed"]
    detail = client_for(handler).get(reverse("analytics:monthly_topic", args=[topic.pk]))
    assert "已约谈供暖公司" in detail.content.decode()


def test_the_owner_must_be_a_department_of_the_division(leader, district):
    from qinqing.accounts.models import Organisation, OrgKind

    outside = Organisation.objects.create(code="D-X", name="外区局", kind=OrgKind.DEPARTMENT)
    with pytest.raises(ValidationError, match="不属于"):
        hotspot_service.pick_monthly_topic(
            None,
            actor=leader,
            division=district.district,
            title="供暖",
            month=dt.date(2026, 11, 1),
            owner=outside,
            goal="恢复供暖",
        )


def test_a_topic_cannot_jump_back_to_open(period_appeals, leader, district):
    topic = hotspot_service.pick_monthly_topic(
        None,
        actor=leader,
        division=district.district,
        title="供暖",
        month=dt.date(2026, 11, 1),
        owner=district.dept,
        goal="恢复供暖",
    )
    with pytest.raises(ValidationError, match="不能从"):
        hotspot_service.change_topic_status(topic, actor=leader, status=MonthlyTopic.Status.OPEN)


def test_supervisor_sees_hot_spots_but_enterprise_does_not(
    client_for, supervisor, enterprise_user_a, district
):
    assert client_for(supervisor).get(reverse("analytics:hotspots")).status_code == 200
    assert client_for(enterprise_user_a).get(reverse("analytics:hotspots")).status_code == 403
