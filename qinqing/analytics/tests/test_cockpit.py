import datetime as dt
import itertools
import re

import pytest
import time_machine
from django.urls import reverse

from qinqing.analytics import cockpit
from qinqing.analytics.models import AppealDaily, RollupState
from qinqing.appeals.models import Appeal, Category, Clock
from qinqing.ratings.tests.factories import make_rating

_n = itertools.count(1)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The personas are created with passwords; the production hasher costs ~0.5 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


NOW = dt.datetime(2026, 6, 15, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


def make_appeal(division, department, *, category=None, status="closed", **outcome):
    return Appeal.objects.create(
        number=f"T{next(_n):06d}",
        channel="phone",
        title="用电",
        description="用电问题",
        requester_name="张三",
        requester_phone="13800000000",
        division=division,
        lead_department=department,
        category=category,
        status=status,
        **outcome,
    )


@pytest.fixture
def seeded(district):
    """经信局: 3 appeals (2 closed on time of 2 measured, 1 open and overdue), rated
    satisfied, basic, unsatisfied; 市场监管局: 1 in the street, closed late.
    Ratings: 经信局 5, 4, 2; 市场监管局 3."""
    cat = Category.objects.create(code="C1", name="用电用水")
    leaf = Category.objects.create(code="C1-1", name="停电", parent=cat)
    with time_machine.travel(NOW, tick=False):
        make_appeal(
            district.district,
            district.dept,
            category=leaf,
            ack_on_time=True,
            closed_on_time=True,
            callback_solved=True,
            rating="satisfied",
        )
        make_appeal(
            district.district,
            district.dept,
            category=leaf,
            ack_on_time=False,
            closed_on_time=True,
            callback_solved=False,
            rating="basic",
        )
        late = make_appeal(
            district.district,
            district.dept,
            status="handling",
            ack_on_time=True,
            rating="unsatisfied",
            next_due_at=NOW - dt.timedelta(days=1),
        )
        # its reply clock ran out yesterday: the registry counts overdue from the clocks
        Clock.objects.create(
            appeal=late, kind="reply", limit_days=5, started_at=NOW - dt.timedelta(days=8),
            due_at=NOW - dt.timedelta(days=1),
        )  # fmt: skip
        make_appeal(district.street, district.other_dept, closed_on_time=False)
        make_rating(district.dept, 5)
        make_rating(district.dept, 4)
        make_rating(district.dept, 2)
        make_rating(district.other_dept, 3)
        cockpit.refresh_rollups(dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    return district


def ranking_close_rate(overview, name):
    return next(row["close_rate"] for row in overview["ranking"] if row["name"] == name)


def test_overview_figures_match_hand_computation(seeded, leader):
    scope = cockpit.cockpit_scope(leader)
    o = cockpit.overview(scope, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    a = o["appeals"]
    assert (a["received"], a["open"], a["overdue"], a["closed"]) == (4, 1, 1, 3)
    assert a["ack_rate"] == round(2 / 3, 4)
    # 2 closed on time ÷ (3 closed + 1 open and overdue): the open overdue one counts against
    assert a["close_rate"] == 0.5
    assert ranking_close_rate(o, "经信局") == round(2 / 3, 4)
    assert a["solved_rate"] == 0.5
    assert a["satisfied_rate"] == round(2 / 3, 4)
    r = o["ratings"]
    assert (r["count"], r["good"], r["bad"], r["good_rate"]) == (4, 2, 1, 0.5)
    ranking = {row["name"]: row for row in o["ranking"]}
    assert ranking["经信局"]["received"] == 3
    assert [c["name"] for c in o["by_category"]] == ["用电用水", "未分类"]
    assert o["by_category"][0]["received"] == 2
    assert {d["name"]: d["received"] for d in o["by_division"]} == {"广安区": 3, "北辰街道": 1}


def test_division_pick_narrows_the_overview(seeded, leader):
    scope = cockpit.cockpit_scope(leader, seeded.street)
    o = cockpit.overview(scope, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert o["appeals"]["received"] == 1


def test_department_head_sees_only_their_department(seeded, dept_head):
    scope = cockpit.cockpit_scope(dept_head)
    assert not scope.full
    o = cockpit.overview(scope, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert o["appeals"]["received"] == 3
    assert o["ratings"]["count"] == 3
    assert cockpit.policy_figures(scope) is None


def test_enterprise_and_handler_have_no_cockpit(seeded, enterprise_user_a, handler, client_for):
    assert cockpit.cockpit_scope(enterprise_user_a) is None
    assert client_for(enterprise_user_a).get(reverse("analytics:cockpit")).status_code == 403
    assert client_for(handler).get(reverse("analytics:cockpit")).status_code == 403


def test_refresh_replaces_rows_and_records_freshness(seeded):
    before = AppealDaily.objects.count()
    with time_machine.travel(NOW, tick=False):
        cockpit.refresh_rollups(dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    assert AppealDaily.objects.count() == before
    state = RollupState.objects.get(name="appeals")
    assert state.refreshed_at == NOW


def test_cockpit_page_shows_figures_and_freshness(seeded, leader, client_for):
    response = client_for(leader).get(
        reverse("analytics:cockpit"), {"start": "2026-01-01", "end": "2026-12-31"}
    )
    body = response.content.decode()
    assert response.status_code == 200

    def kpi(name: str) -> str:
        found = re.search(rf'data-kpi="{name}"[^>]*>([^<]*)<', body)
        assert found, name
        return found.group(1)

    assert kpi("appeal_close_on_time_rate") == "50.0%"  # 2 on time ÷ (3 closed + 1 overdue)
    assert kpi("rating_good_rate") == "50.0%"  # 好评率 2/4
    assert kpi("appeal_received") == "4"
    assert "cockpit-data" in body and "echarts.min.js" in body


def test_cockpit_page_query_count_is_bounded(
    seeded, leader, client_for, django_assert_max_num_queries
):
    client = client_for(leader)
    client.get(reverse("analytics:cockpit"))
    # 15 for the appeals, ratings, policies and warnings panels; up to 13 more, a fixed
    # number of aggregates, for the catalog's and liaison's figures beside the policies;
    # 2 for the task list's line (tasks, findings)
    with django_assert_max_num_queries(30):
        client.get(reverse("analytics:cockpit"))


def test_leader_can_refresh_and_department_head_cannot(seeded, leader, dept_head, client_for):
    url = reverse("analytics:cockpit_refresh")
    assert client_for(dept_head).post(url).status_code == 403
    response = client_for(leader).post(url, {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("analytics:cockpit")
