"""The API and the pages, driven like a user."""

import json

import pytest
from django.utils import timezone

from qinqing.projects import services
from qinqing.projects.tests.conftest import at


@pytest.fixture
def project(make_project, items, run_matter, handler):  # type: ignore[no-untyped-def]
    project = make_project(flags={"commitment": True})
    for stage, matter in [
        ("establish", run_matter(items.establish, at(2026, 1, 5), at(2026, 1, 6), at(2026, 1, 8))),
        ("permit", run_matter(items.permit, at(2026, 3, 1), at(2026, 3, 2), at(2026, 3, 6))),
    ]:
        services.link_matter(project, stage=stage, matter=matter, actor=handler)
    return project


def post_json(client, url, data, method="post"):  # type: ignore[no-untyped-def]
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


def test_api_list_detail_and_figures(project, client_for, handler, other_handler) -> None:  # type: ignore[no-untyped-def]
    client = client_for(handler)
    rows = client.get("/api/v1/projects/?flag=commitment").json()
    assert [r["code"] for r in rows] == [project.code]
    detail = client.get(f"/api/v1/projects/{project.pk}").json()
    assert [s["stage"] for s in detail["chain"]][:4] == ["establish", "land", "planning", "permit"]
    assert detail["permit_days"]["total"] == 60.0
    assert detail["chain"][0]["matters"][0]["number"]
    figures = client.get("/api/v1/projects/figures?year=2026").json()
    assert figures["permit_days"][0]["average"] == 60.0
    assert client.get("/api/v1/projects/figures?year=1900").status_code == 422
    assert client_for(other_handler).get(f"/api/v1/projects/{project.pk}").status_code == 404
    assert client_for(other_handler).get("/api/v1/projects/").json() == []


def test_api_schedule_item_create_update_and_bad_input(
    project, client_for, handler, district
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(handler)
    url = f"/api/v1/projects/{project.pk}/schedule"
    good = {
        "next_step": "取得竣工验收备案",
        "owner_unit_id": district.dept.pk,
        "due_on": "2026-12-20",
    }
    response = post_json(client, url, good)
    assert response.status_code == 201, response.content
    item = response.json()
    assert item["status"] == "open" and item["appeal"] is None
    bad = post_json(client, url, good | {"next_step": "下一步\x00"})
    assert bad.status_code == 400 and "控制字符" in bad.content.decode()
    assert post_json(client, url, good | {"owner_unit_id": 999999}).status_code == 422
    assert post_json(client, url, good | {"due_on": "9999-12-31"}).status_code == 422
    assert post_json(client, url, good | {"due_on": "not a date"}).status_code in (400, 422)
    done = post_json(
        client, f"/api/v1/projects/schedule/{item['id']}", {"action": "complete"}, method="patch"
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    wrong = post_json(
        client, f"/api/v1/projects/schedule/{item['id']}", {"action": "complete"}, method="patch"
    )
    assert wrong.status_code == 422 and "不能完成" in wrong.json()["errors"][0]["message"]


def test_api_refuses_other_department_and_outsiders(
    project, client_for, other_handler, policy_officer, district
) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/projects/{project.pk}/schedule"
    body = {"next_step": "越权", "owner_unit_id": district.dept.pk, "due_on": "2026-12-20"}
    assert post_json(client_for(other_handler), url, body).status_code == 404
    assert client_for(policy_officer).get("/api/v1/projects/").status_code == 403


def test_pages_render_for_department_and_leader(
    project, client_for, handler, leader, district
) -> None:  # type: ignore[no-untyped-def]
    services.add_schedule_item(
        project, actor=handler, next_step="组织竣工验收", blocker="消防验收排期紧",
        owner_unit=district.dept, due_on=timezone.localdate(),
    )  # fmt: skip
    for user in (handler, leader):
        client = client_for(user)
        pool = client.get("/projects/?stage=completion").content.decode()
        assert project.name in pool and "组织竣工验收" in pool
        page = client.get(f"/projects/{project.pk}/").content.decode()
        assert "chain-data" in page and "施工许可" in page and "60.0 天" in page
        figures = client.get("/projects/figures/").content.decode()
        assert "立项" in figures and "承诺制" in figures and project.name in figures
        assert "平均用时" in figures and "60.0 天" in figures
        assert client.get("/projects/schedule/").status_code == 200


def test_create_project_and_schedule_item_through_the_forms(
    client_for, handler, district, enterprise_a
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(handler)
    form = {
        "code": "2026-511602-48-03-000001",
        "name": "新能源配件产业园一期",
        "enterprise_uscc": enterprise_a.uscc,
        "project_type": "enterprise",
        "lead_department": district.dept.pk,
        "investment": "56000",
        "permit_mode": "three",
        "commitment": "on",
    }
    bad = client.post("/projects/new/", form | {"investment": "1e40"})
    assert bad.status_code == 200 and "总投资应大于 0" in bad.content.decode()
    response = client.post("/projects/new/", form)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "土方开挖和基坑支护" in page and "承诺制" in page
    project_id = int(response["Location"].strip("/").split("/")[-1])
    made = client.post(
        f"/projects/{project_id}/schedule/new/",
        {"next_step": "用地预审", "owner_unit": district.dept.pk, "due_on": "2026-12-01"},
    )
    assert made.status_code == 302


def test_enterprise_page_panel_lists_the_firms_projects(
    project, client_for, handler, enterprise_a
) -> None:  # type: ignore[no-untyped-def]
    page = client_for(handler).get(f"/enterprises/{enterprise_a.uscc}/").content.decode()
    assert "投资项目（一链审批）" in page and project.name in page
