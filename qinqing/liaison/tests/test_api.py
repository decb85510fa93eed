import datetime as dt
import json

import pytest

from qinqing.liaison.models import CheckIn, Score
from qinqing.liaison.tests.conftest import A_LAT, A_LNG

pytestmark = pytest.mark.django_db


def post(client, url, data):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(data), content_type="application/json")


def test_officer_sets_up_a_round_and_cadre_checks_in_through_the_api(
    client_for, supervisor, cadre, located_a, today, leader
):
    officer = client_for(supervisor)
    r = post(
        officer,
        "/api/v1/liaison/rounds",
        {
            "name": "第二批",
            "starts_on": str(today - dt.timedelta(days=1)),
            "ends_on": str(today + dt.timedelta(days=30)),
        },
    )
    assert r.status_code == 201, r.content
    round_id = r.json()["id"]
    r = post(
        officer,
        f"/api/v1/liaison/rounds/{round_id}/stays",
        {"cadre_id": cadre.pk, "enterprise_id": located_a.pk, "starts_on": str(today)},
    )
    assert r.status_code == 201, r.content
    stay_id = r.json()["id"]
    assert officer.post(f"/api/v1/liaison/rounds/{round_id}/open").json()["status"] == "open"

    me = client_for(cadre)
    r = post(
        me,
        f"/api/v1/liaison/stays/{stay_id}/checkins",
        {"kind": "in", "lat": A_LAT, "lng": A_LNG + 0.01},
    )
    assert r.status_code == 201
    body = r.json()
    assert body["in_range"] is False and "超出" in body["message"]
    r = post(
        me, f"/api/v1/liaison/stays/{stay_id}/checkins", {"kind": "in", "lat": A_LAT, "lng": A_LNG}
    )
    assert r.status_code == 422
    assert "每天只能签到一次" in r.json()["errors"][0]["message"]
    assert CheckIn.objects.count() == 1

    r = post(
        me,
        f"/api/v1/liaison/stays/{stay_id}/evidence",
        {"task": "suggestion", "text": "建议错峰用电"},
    )
    assert r.status_code == 201
    assert {t["task"]: t["done"] for t in r.json()}["suggestion"] is True

    report = client_for(leader).get(f"/api/v1/liaison/rounds/{round_id}/report").json()
    assert report["figures"]["cadres"] == 1 and report["figures"]["checkins"] == 1
    assert me.get(f"/api/v1/liaison/rounds/{round_id}/report").status_code == 403


def test_api_check_in_to_someone_elses_stay_is_not_found_or_denied(client_for, stay, other_cadre):
    r = post(
        client_for(other_cadre),
        f"/api/v1/liaison/stays/{stay.pk}/checkins",
        {"kind": "in", "lat": A_LAT, "lng": A_LNG},
    )
    assert r.status_code in (403, 404)
    assert not CheckIn.objects.exists()


def test_api_scoring_once_and_only_by_the_host(
    client_for, finished_stay, enterprise_user_a, enterprise_user_b
):
    items = {"attitude": 5, "diligence": 5, "solving": 4, "policy": 4}
    url = f"/api/v1/liaison/stays/{finished_stay.pk}/score"
    assert post(client_for(enterprise_user_b), url, {"items": items}).status_code == 404
    ok = post(client_for(enterprise_user_a), url, {"items": items, "comment": "很好"})
    assert ok.status_code == 201 and ok.json()["total"] == "90.0"
    again = post(client_for(enterprise_user_a), url, {"items": items})
    assert again.status_code == 422
    assert Score.objects.count() == 1


def test_api_visit_lists_are_scoped(
    client_for, supervisor, cadre, other_cadre, enterprise_a, today
):
    post(
        client_for(supervisor),
        "/api/v1/liaison/assignments",
        {
            "enterprise_id": enterprise_a.pk,
            "role": "contact",
            "cadre_id": cadre.pk,
            "starts_on": str(today),
        },
    )
    r = post(
        client_for(cadre),
        "/api/v1/liaison/visits",
        {
            "enterprise_id": enterprise_a.pk,
            "visited_on": str(today),
            "people_met": "王总",
            "discussion": "融资需求",
        },
    )
    assert r.status_code == 201
    assert len(client_for(cadre).get("/api/v1/liaison/visits").json()) == 1
    assert client_for(other_cadre).get("/api/v1/liaison/visits").json() == []
    denied = post(
        client_for(other_cadre),
        "/api/v1/liaison/visits",
        {
            "enterprise_id": enterprise_a.pk,
            "visited_on": str(today),
            "people_met": "x",
            "discussion": "y",
        },
    )
    assert denied.status_code == 404


def test_api_overview_for_the_cockpit(client_for, leader, cadre, stay):
    body = client_for(leader).get("/api/v1/liaison/overview").json()["figures"]
    assert body["stays_today"] == 1 and body["rounds_open"] == 1
    assert client_for(cadre).get("/api/v1/liaison/overview").status_code == 403
