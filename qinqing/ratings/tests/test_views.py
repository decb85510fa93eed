import re

from django.urls import reverse

from qinqing.ratings import services
from qinqing.ratings.models import Channel, Rating, RectificationStatus
from qinqing.ratings.tests.factories import make_event, make_rating


def test_person_served_rates_on_the_web_and_sees_it(district, enterprise_user_a, client_for):
    event = make_event(district.dept, served_user=enterprise_user_a, matter="用电报装")
    client = client_for(enterprise_user_a)
    assert "用电报装" in client.get(reverse("ratings:mine")).content.decode()
    response = client.post(
        reverse("ratings:rate", args=[event.pk]), {"level": 5, "comment": "很快"}
    )
    assert response.status_code == 200
    assert "感谢" in response.content.decode() or "Thank" in response.content.decode()
    rating = Rating.objects.get(event=event)
    assert (rating.level, rating.channel, rating.rated_by) == (5, Channel.WEB, enterprise_user_a)


def test_other_enterprise_cannot_rate_someone_elses_service(
    district, enterprise_user_a, enterprise_user_b, client_for
):
    event = make_event(district.dept, served_user=enterprise_user_a)
    response = client_for(enterprise_user_b).post(
        reverse("ratings:rate", args=[event.pk]), {"level": 1, "comment": "x"}
    )
    assert response.status_code == 403
    assert not Rating.objects.exists()


def test_bad_rating_without_reason_shows_chinese_error(district, enterprise_user_a, client_for):
    event = make_event(district.dept, served_user=enterprise_user_a)
    response = client_for(enterprise_user_a).post(
        reverse("ratings:rate", args=[event.pk]), {"level": 1}
    )
    assert "差评请选择标签或填写原因" in response.content.decode()
    assert not Rating.objects.exists()


def test_window_qr_page_is_public_and_creates_one_rating(district, client):
    point = services.ensure_rating_point(district.window)
    page = client.get(reverse("ratings:window", args=[point.token])).content.decode()
    key = re.search(r'name="visit_key" value="([^"]+)"', page).group(1)
    data = {"level": 4, "visit_key": key, "matter": "营业执照"}
    client.post(reverse("ratings:window", args=[point.token]), data)
    client.post(reverse("ratings:window", args=[point.token]), data)
    assert Rating.objects.filter(channel=Channel.QR).count() == 1


def test_window_qr_svg_is_served_to_staff_only(district, dept_head, enterprise_user_a, client_for):
    point = services.ensure_rating_point(district.window)
    response = client_for(dept_head).get(reverse("ratings:point_qr", args=[point.pk]))
    assert response["Content-Type"] == "image/svg+xml" and b"<svg" in response.content
    assert (
        client_for(enterprise_user_a).get(reverse("ratings:point_qr", args=[point.pk])).status_code
        == 403
    )


def test_operator_records_phone_rating(district, intake, client_for):
    event = make_event(district.dept)
    client_for(intake).post(reverse("ratings:phone", args=[event.pk]), {"level": 3})
    rating = Rating.objects.get(event=event)
    assert rating.channel == Channel.PHONE and rating.recorded_by == intake


def test_handler_cannot_record_phone_rating(district, handler, client_for):
    event = make_event(district.dept)
    assert (
        client_for(handler)
        .post(reverse("ratings:phone", args=[event.pk]), {"level": 3})
        .status_code
        == 403
    )


def test_department_sees_own_ratings_not_other_departments(
    district, dept_head, other_handler, client_for
):
    rating = make_rating(district.dept, 2, matter="经信事项")
    assert "经信事项" in client_for(dept_head).get(reverse("ratings:list")).content.decode()
    assert "经信事项" not in client_for(other_handler).get(reverse("ratings:list")).content.decode()
    assert (
        client_for(other_handler).get(reverse("ratings:detail", args=[rating.pk])).status_code
        == 404
    )


def test_enterprise_cannot_open_the_ratings_list(enterprise_user_a, client_for):
    assert client_for(enterprise_user_a).get(reverse("ratings:list")).status_code == 403


def test_supervisor_verifies_and_handler_cannot(district, supervisor, handler, client_for):
    rating = make_rating(district.dept, 1)
    url = reverse("ratings:action", args=[rating.pk, "verify"])
    assert client_for(handler).post(url, {"note": "核实"}).status_code == 403
    client_for(supervisor).post(url, {"note": "电话核实属实"})
    rating.rectification.refresh_from_db()
    assert rating.rectification.status == RectificationStatus.VERIFIED


def test_rated_unit_contests_and_other_department_cannot(
    district, dept_head, other_handler, supervisor, client_for
):
    rating = make_rating(district.dept, 1)
    url = reverse("ratings:action", args=[rating.pk, "contest"])
    assert (
        client_for(other_handler).post(url, {"reason": "这是恶意差评，请督办员复核"}).status_code
        == 404
    )
    client_for(dept_head).post(url, {"reason": "这是恶意差评，请督办员复核"})
    client_for(supervisor).post(
        reverse("ratings:action", args=[rating.pk, "decide"]), {"accept": "1", "note": "属实"}
    )
    rating.refresh_from_db()
    assert rating.excluded


def test_figures_page_for_leader(district, leader, client_for):
    make_rating(district.dept, 5)
    make_rating(district.dept, 2)
    body = client_for(leader).get(reverse("ratings:figures")).content.decode()
    assert "经信局" in body and "50%" in body


def test_observer_records_observation_and_non_observer_cannot(
    district, supervisor, handler, client_for
):
    observer, _ = services.invite_observer(
        actor=supervisor, username="obs", full_name="钱监督", phone="", division=district.district
    )
    data = {
        "where": "window",
        "department": district.dept.pk,
        "window": district.window.pk,
        "matter": "开办企业",
        "narrative": "窗口要求重复提交复印件，等候四十分钟",
        "problem": "重复提交",
        "key": "2b1e6c1e-8f7e-4d0e-9a53-1e0f0c3f4a19",
    }
    response = client_for(observer.user).post(reverse("ratings:observe"), data)
    assert response.status_code == 302
    assert observer.observations.count() == 1
    assert client_for(handler).get(reverse("ratings:observe")).status_code == 403


def test_supervisor_invites_observer_and_handler_cannot(district, supervisor, handler, client_for):
    data = {"username": "obs2", "full_name": "孙体验", "phone": "", "title": "体验员"}
    assert client_for(handler).post(reverse("ratings:observers"), data).status_code == 403
    response = client_for(supervisor).post(reverse("ratings:observers"), data)
    assert "obs2" in response.content.decode()


def test_supervisor_turns_observation_into_appeal_once(district, supervisor, handler, client_for):
    from qinqing.appeals.models import Appeal

    observer, _ = services.invite_observer(
        actor=supervisor,
        username="obs3",
        full_name="吴监督",
        phone="13900002222",
        division=district.district,
    )
    obs = services.record_observation(
        observer,
        where="online",
        department=district.dept,
        matter="网上申报",
        narrative="网上申报系统提交后一直显示审核中",
        problem="系统卡顿无法提交",
        key="k9",
    )
    url = reverse("ratings:observation_appeal", args=[obs.pk])
    assert client_for(handler).post(url).status_code == 403
    client_for(supervisor).post(url)
    client_for(supervisor).post(url)
    obs.refresh_from_db()
    assert Appeal.objects.count() == 1
    assert obs.appeal_reference == Appeal.objects.get().number
