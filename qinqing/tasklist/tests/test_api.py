import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qinqing.tasklist.models import TaskStatus


def post_json(client, url, data):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(data), content_type="application/json")


def test_indicators_and_tasks_are_scoped(client_for, handler, supervisor, task, other_task, today):
    rows = client_for(handler).get(f"/api/v1/tasklist/tasks?year={today.year}").json()
    assert [r["id"] for r in rows] == [task.pk]
    assert len(client_for(supervisor).get("/api/v1/tasklist/tasks").json()) == 2
    indicators = client_for(supervisor).get(f"/api/v1/tasklist/indicators?year={today.year}").json()
    assert [(i["name"], i["tasks"]) for i in indicators] == [("开办企业", 1), ("市场监管", 1)]
    mine = client_for(handler).get(f"/api/v1/tasklist/indicators?year={today.year}").json()
    assert [i["name"] for i in mine] == ["开办企业"]
    assert client_for(handler).get(f"/api/v1/tasklist/tasks/{other_task.pk}").status_code == 404


def test_office_creates_a_task_and_department_cannot(
    client_for, supervisor, handler, indicator, district, today
):
    payload = {
        "indicator_id": indicator.pk, "title": "线上开办率", "lead_unit_id": district.dept.pk,
        "unit_ids": [district.other_dept.pk], "due_on": today.isoformat(), "target_value": "95",
        "target_unit": "%", "plan": [{"month": today.month, "milestone": "上线"}],
    }  # fmt: skip
    response = post_json(client_for(supervisor), "/api/v1/tasklist/tasks", payload)
    assert response.status_code == 201, response.content
    assert response.json()["unit_ids"] == [district.other_dept.pk]
    assert post_json(client_for(handler), "/api/v1/tasklist/tasks", payload).status_code == 403
    bad = post_json(
        client_for(supervisor), "/api/v1/tasklist/tasks", {**payload, "target_value": "NaN"}
    )
    assert bad.status_code == 422
    assert "目标值" in bad.json()["errors"][0]["message"]


def test_reports_with_evidence_complete_a_task(client_for, handler, task):
    client = client_for(handler)
    response = client.post(
        f"/api/v1/tasklist/tasks/{task.pk}/reports",
        {"text": "完成", "achieved_value": "0.5", "complete": "true",
         "files": [SimpleUploadedFile("证明.pdf", b"%PDF-1.4 ok")]},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["evidence"] == ["证明.pdf"]
    assert response.json()["task_status"] == TaskStatus.DONE


def test_report_without_evidence_cannot_complete(client_for, handler, task):
    response = client_for(handler).post(
        f"/api/v1/tasklist/tasks/{task.pk}/reports",
        {"text": "完成", "complete": "true", "achieved_value": "1"},
    )
    assert response.status_code == 422


def test_findings_round_trip(client_for, supervisor, handler, other_handler, district, today):
    office = client_for(supervisor)
    created = post_json(office, "/api/v1/tasklist/findings", {
        "source": "inspection", "organisation_id": district.dept.pk, "title": "收费公示不全",
        "found_on": today.isoformat(), "limit_days": 5,
    })  # fmt: skip
    assert created.status_code == 201
    fid = created.json()["id"]
    assert client_for(other_handler).get("/api/v1/tasklist/findings").json() == []
    submitted = post_json(
        client_for(handler), f"/api/v1/tasklist/findings/{fid}/rectifications", {"text": "已公示"}
    )
    assert submitted.json()["status"] == "submitted"
    assert (
        post_json(
            client_for(handler), f"/api/v1/tasklist/findings/{fid}/review", {"accept": True}
        ).status_code
        == 403
    )
    accepted = post_json(office, f"/api/v1/tasklist/findings/{fid}/review", {"accept": True})
    assert accepted.json()["rectified_on_time"] is True


@pytest.mark.parametrize("who", ["intake", "enterprise_user_a"])
def test_outsiders_get_403(request, client_for, who, task, today):
    client = client_for(request.getfixturevalue(who))
    assert client.get("/api/v1/tasklist/tasks").status_code == 403
    assert client.get(f"/api/v1/tasklist/monthly?year={today.year}&month=1").status_code == 403


def test_monthly_report(client_for, leader, handler, task, today):
    from qinqing.tasklist import services

    services.report_progress(task, actor=handler, text="本月完成方案", achieved_value="0.8")
    services.add_comment(actor=leader, task=task, year=today.year, month=today.month, text="抓紧")
    data = (
        client_for(leader)
        .get(f"/api/v1/tasklist/monthly?year={today.year}&month={today.month}")
        .json()
    )
    line = data["lines"][0]
    assert line["reports"][0].endswith("本月完成方案")
    assert line["comments"] == ["李领导：抓紧"]
    assert line["state"] == "推进中"
    assert (
        client_for(leader).get(f"/api/v1/tasklist/monthly?year={today.year}&month=13").status_code
        == 422
    )
