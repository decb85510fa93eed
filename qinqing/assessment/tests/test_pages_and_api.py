"""Who sees and does what: the ranking, a unit's lines, versions, freezing and the API."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from qinqing.appeals.models import Appeal
from qinqing.assessment import freezing
from qinqing.assessment.models import ScoreSheet
from qinqing.core.models import AuditEvent

IN_MARCH = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)
APRIL = dt.datetime(2026, 4, 20, 2, 0, tzinfo=dt.UTC)
MARCH = {"year": 2026, "month": 3}


@pytest.fixture
def frozen(district, yongchuan_scheme, supervisor):
    with time_machine.travel(IN_MARCH, tick=False):
        Appeal.objects.create(
            number="P00001",
            channel="phone",
            title="t",
            description="d",
            requester_name="张三",
            requester_phone="13800000000",
            division=district.street,
            lead_department=district.dept,
            status="closed",
            rating="satisfied",
            closed_on_time=True,
        )
    with time_machine.travel(APRIL, tick=False):
        return freezing.freeze_month(yongchuan_scheme, month=dt.date(2026, 3, 1), actor=supervisor)


def _unit(org):
    return reverse("assessment:unit", args=[org.pk])


def _denied(user, action):
    return AuditEvent.objects.filter(kind="denied", user=user, detail__action=action).exists()


@time_machine.travel(APRIL, tick=False)
def test_leader_sees_every_unit_and_its_lines_but_cannot_freeze(
    frozen, district, leader, client_for
):
    client = client_for(leader)
    body = client.get(reverse("assessment:ranking"), MARCH).content.decode()
    assert 'data-status="frozen"' in body and "冻结第 1 版" in body
    for name in ("经信局", "市场监管局", "北辰街道", "广福街道"):
        assert name in body
    assert "一般单位" in body and "镇街" in body
    lines = client.get(_unit(district.street), MARCH).content.decode()
    assert "企业满意度（基础分）" in lines and "figure=appeal_satisfied_rate" in lines
    assert f"division={district.street.pk}" in lines
    response = client.post(
        reverse("assessment:freeze", args=["correct"]),
        {"scheme": frozen.scheme_id, "month": "2026-03", "reason": "试试"},
    )
    assert response.status_code == 403 and _denied(leader, "assessment:correct")
    assert ScoreSheet.objects.count() == 1


@time_machine.travel(APRIL, tick=False)
def test_department_head_sees_own_lines_only(frozen, district, dept_head, client_for):
    client = client_for(dept_head)
    assert client.get(_unit(district.dept), MARCH).status_code == 200
    assert client.get(_unit(district.other_dept), MARCH).status_code == 403
    assert _denied(dept_head, "assessment:unit")
    sheets = client.get(reverse("assessment:sheets"), MARCH).content.decode()
    assert 'id="versions"' in sheets and "更正" not in sheets.split("</table>", 1)[1]


@time_machine.travel(APRIL, tick=False)
def test_supervisor_corrects_with_a_reason_and_the_ranking_reads_the_new_version(
    frozen, supervisor, client_for
):
    client = client_for(supervisor)
    url = reverse("assessment:freeze", args=["correct"])
    client.post(url, {"scheme": frozen.scheme_id, "month": "2026-03", "reason": ""})
    assert ScoreSheet.objects.count() == 1  # refused: no reason
    response = client.post(
        url, {"scheme": frozen.scheme_id, "month": "2026-03", "reason": "补录回访评价"}
    )
    assert response.status_code == 302
    history = client.get(response["Location"]).content.decode()
    assert "补录回访评价" in history and "月度冻结" in history
    body = client.get(reverse("assessment:ranking"), MARCH).content.decode()
    assert "冻结第 2 版" in body
    old = client.get(reverse("assessment:ranking"), {**MARCH, "version": 1}).content.decode()
    assert "冻结第 1 版" in old


@time_machine.travel(APRIL, tick=False)
def test_supervisor_freezes_an_unfrozen_month_from_the_page(
    district, yongchuan_scheme, supervisor, client_for
):
    client = client_for(supervisor)
    page = client.get(reverse("assessment:sheets"), MARCH).content.decode()
    assert "冻结本月" in page
    client.post(
        reverse("assessment:freeze", args=["freeze"]),
        {"scheme": yongchuan_scheme.pk, "month": "2026-03"},
    )
    assert ScoreSheet.objects.get().version == 1


def test_handler_and_enterprise_are_refused(handler, enterprise_user_a, client_for):
    for user in (handler, enterprise_user_a):
        assert client_for(user).get(reverse("assessment:ranking")).status_code == 403
        assert client_for(user).get("/api/v1/assessment/schemes").status_code == 403


def test_open_month_is_live(district, leader, client_for):
    body = client_for(leader).get(reverse("assessment:ranking")).content.decode()
    assert 'data-status="live"' in body


# --- API ------------------------------------------------------------------------------


def test_api_lists_schemes_with_dimensions_and_unconnected_figures(leader, client_for):
    schemes = {s["name"]: s for s in client_for(leader).get("/api/v1/assessment/schemes").json()}
    luohe = schemes["漯河模式（五维度二十三项）"]
    assert len(luohe["dimensions"]) == 5 and len(luohe["indicators"]) == 23
    connected = {i["figure"]: i["figure_connected"] for i in luohe["indicators"] if i["figure"]}
    assert connected["appeal_satisfied_rate"] and connected["policy_payout_on_time_rate"]


@time_machine.travel(APRIL, tick=False)
def test_api_reads_the_frozen_sheet_and_a_units_lines(
    frozen, district, dept_head, leader, client_for
):
    base = f"/api/v1/assessment/schemes/{frozen.scheme_id}"
    client = client_for(leader)
    sheets = client.get(f"{base}/sheets", {"month": "2026-03"}).json()
    assert [s["version"] for s in sheets] == [1]
    scores = client.get(f"{base}/scores", {"month": "2026-03"}).json()
    assert scores["frozen"] and scores["sheet"]["version"] == 1
    assert {u["unit"] for u in scores["units"]} >= {"经信局", "北辰街道"}
    assert client.get(f"{base}/scores", {"month": "2026-04"}).json()["frozen"] is False
    assert client.get(f"{base}/scores", {"month": "2026-13"}).status_code == 422
    assert client.get(f"{base}/scores", {"month": "2026-03", "version": 9}).status_code == 404
    huge = {"month": "2026-03", "version": 10**12}
    assert client.get(f"{base}/scores", huge).status_code in (400, 422)
    assert client.get(f"{base}/scores", {"month": "2026-03\x00"}).status_code in (400, 422)
    head = client_for(dept_head)
    own = head.get(f"{base}/units/{district.dept.pk}/lines", {"month": "2026-03"}).json()
    assert own["frozen"] and own["lines"][0]["indicator_code"] == "Y01"
    assert own["lines"][0]["formula"] and "figure=" in own["lines"][0]["drill"]
    other = head.get(f"{base}/units/{district.other_dept.pk}/lines", {"month": "2026-03"})
    assert other.status_code == 403 and _denied(dept_head, "api:assessment_unit")


@time_machine.travel(APRIL, tick=False)
def test_a_lines_drill_down_lists_the_records_behind_it(frozen, district, leader, client_for):
    client = client_for(leader)
    lines = client.get(
        f"/api/v1/assessment/schemes/{frozen.scheme_id}/units/{district.dept.pk}/lines",
        {"month": "2026-03"},
    ).json()["lines"]
    drill = next(line["drill"] for line in lines if line["indicator_code"] == "Y01")
    body = client.get(drill).content.decode()
    assert "<span hidden data-count>1</span>" in body  # the one rated appeal of March


@time_machine.travel(APRIL, tick=False)
def test_print_and_export_read_the_frozen_sheet(frozen, leader, client_for):
    client = client_for(leader)
    printed = client.get(reverse("assessment:print"), MARCH).content.decode()
    assert "冻结第 1 版" in printed and "经信局" in printed
    response = client.get(reverse("assessment:export"), MARCH)
    assert response.status_code == 200 and response.content[:2] == b"PK"
