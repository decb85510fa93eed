from qinqing.ratings.models import Rating, ServiceEvent


def test_department_system_records_event_idempotently_and_masks_phone(
    district, handler, client_for
):
    client = client_for(handler)
    payload = {
        "kind": "window",
        "reference": "win:1",
        "department_id": district.dept.pk,
        "window_id": district.window.pk,
        "matter": "营业执照",
        "served_phone": "13812345678",
    }
    first = client.post("/api/v1/ratings/events", payload, content_type="application/json").json()
    again = client.post("/api/v1/ratings/events", payload, content_type="application/json").json()
    assert first["id"] == again["id"] and ServiceEvent.objects.count() == 1
    assert first["served_phone_masked"] == "138****5678"


def test_other_department_cannot_record_event(district, other_handler, client_for):
    payload = {"kind": "window", "reference": "win:2", "department_id": district.dept.pk}
    response = client_for(other_handler).post(
        "/api/v1/ratings/events", payload, content_type="application/json"
    )
    assert response.status_code == 403


def test_api_rating_then_figures(district, intake, leader, client_for):
    event = ServiceEvent.objects.create(
        kind="window",
        reference="w:3",
        department=district.dept,
        occurred_at="2026-03-01T10:00:00+08:00",
    )
    response = client_for(intake).post(
        f"/api/v1/ratings/events/{event.pk}/rating",
        {"level": 1, "comment": "窗口无人"},
        content_type="application/json",
    )
    assert response.json()["rectification_status"] == "open"
    again = client_for(intake).post(
        f"/api/v1/ratings/events/{event.pk}/rating", {"level": 5}, content_type="application/json"
    )
    assert again.status_code == 422 and "只能评价一次" in again.json()["errors"][0]["message"]
    assert Rating.objects.count() == 1
    rows = client_for(leader).get("/api/v1/ratings/figures?by=all").json()
    assert rows[0]["count"] == 1 and rows[0]["good_rate"] == 0.0


def test_enterprise_cannot_read_figures(enterprise_user_a, client_for):
    assert client_for(enterprise_user_a).get("/api/v1/ratings/figures").status_code == 403
