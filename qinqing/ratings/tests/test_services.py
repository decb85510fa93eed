import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from qinqing.core.models import Notification
from qinqing.ratings import services
from qinqing.ratings.models import (
    CallbackOutcome,
    Channel,
    ContestStatus,
    Rating,
    RatingEvent,
    RatingPoint,
    RectificationStatus,
    ServiceEvent,
)
from qinqing.ratings.tests.factories import make_event, make_rating


def test_service_event_is_idempotent_on_reference(district):
    first = make_event(district.dept, reference="appeal:1", matter="用电报装")
    again = make_event(district.dept, reference="appeal:1", matter="别的")
    assert first.pk == again.pk
    assert ServiceEvent.objects.count() == 1


def test_service_event_masks_the_phone_of_the_person_served(district):
    event = make_event(district.dept, served_phone="13812345678")
    assert event.served_phone_masked == "138****5678"


def test_service_event_cannot_belong_to_a_division(district):
    with pytest.raises(ValidationError) as exc:
        make_event(district.district)
    assert "department" in exc.value.message_dict


def test_event_can_be_rated_only_once(district, enterprise_user_a):
    event = make_event(district.dept, served_user=enterprise_user_a)
    services.submit_rating(event, actor=enterprise_user_a, level=5, channel=Channel.WEB)
    with pytest.raises(ValidationError) as exc:
        services.submit_rating(
            event, actor=enterprise_user_a, level=1, channel=Channel.WEB, comment="x"
        )
    assert "只能评价一次" in str(exc.value)
    assert Rating.objects.count() == 1


def test_invalid_level_is_rejected_in_chinese_and_nothing_written(district):
    event = make_event(district.dept)
    with pytest.raises(ValidationError) as exc:
        services.submit_rating(event, actor=None, level=9, channel=Channel.WEB)
    assert "评价等级" in exc.value.message_dict["level"][0]
    assert not Rating.objects.exists()


def test_bad_rating_needs_a_reason(district):
    event = make_event(district.dept)
    with pytest.raises(ValidationError) as exc:
        services.submit_rating(event, actor=None, level=1, channel=Channel.WEB)
    assert "comment" in exc.value.message_dict


def test_good_rating_opens_no_rectification(district):
    rating = make_rating(district.dept, 4)
    assert not rating.is_bad
    assert not hasattr(rating, "rectification") or rating.rectification is None


@time_machine.travel(
    dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC), tick=False
)  # Monday 10:00 in Shanghai
def test_bad_rating_opens_rectification_due_in_five_working_days(district, dept_head):
    rating = make_rating(district.dept, 2)
    rect = rating.rectification
    assert rect.status == RectificationStatus.OPEN
    # Monday + 5 working days = next Monday (no holiday in between).
    assert rect.due_at.date() == dt.date(2026, 11, 30)
    assert list(rating.events.values_list("kind", flat=True)) == ["rated", "rectification_opened"]
    assert Notification.objects.filter(recipient=dept_head, kind="ratings.bad").count() == 1


@time_machine.travel(dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC), tick=False)
def test_rectification_clock_is_configurable(district, settings):
    settings.RATINGS_RECTIFY_WORKDAYS = 2
    rating = make_rating(district.dept, 1)
    assert rating.rectification.due_at.date() == dt.date(2026, 11, 25)


def test_rectification_goes_verify_rectify_call_back_with_events(district, supervisor, handler):
    rect = make_rating(district.dept, 1).rectification
    services.verify_rectification(rect, actor=supervisor, note="电话核实属实")
    services.record_rectification(rect, actor=handler, note="已批评教育，补办完成")
    rect = services.record_callback(rect, actor=supervisor, outcome=CallbackOutcome.SATISFIED)
    assert rect.status == RectificationStatus.CLOSED
    kinds = list(RatingEvent.objects.filter(rating=rect.rating).values_list("kind", flat=True))
    assert kinds == ["rated", "rectification_opened", "verified", "rectified", "called_back"]


def test_rectification_cannot_skip_verification(district, handler):
    rect = make_rating(district.dept, 1).rectification
    with pytest.raises(ValidationError) as exc:
        services.record_rectification(rect, actor=handler, note="已整改")
    assert "不能变为" in str(exc.value)
    rect.refresh_from_db()
    assert rect.status == RectificationStatus.OPEN
    assert rect.rating.events.count() == 2


def test_accepted_contest_excludes_rating_and_voids_case(district, dept_head, supervisor):
    rating = make_rating(district.dept, 1)
    contest = services.file_contest(
        rating, actor=dept_head, reason="评价人并未到本窗口办理业务，属误评"
    )
    with pytest.raises(ValidationError):
        services.file_contest(rating, actor=dept_head, reason="再次申诉这条评价是恶意的")
    services.decide_contest(contest, actor=supervisor, accept=True, note="核实为误评")
    rating.refresh_from_db()
    contest.refresh_from_db()
    assert rating.excluded
    assert contest.status == ContestStatus.ACCEPTED
    assert rating.rectification.status == RectificationStatus.VOID
    assert list(rating.events.values_list("kind", flat=True))[-3:] == [
        "contest_filed",
        "contest_decided",
        "voided",
    ]


def test_rejected_contest_keeps_rating(district, dept_head, supervisor):
    rating = make_rating(district.dept, 2)
    contest = services.file_contest(rating, actor=dept_head, reason="我们认为此评价与事实不符合")
    services.decide_contest(contest, actor=supervisor, accept=False, note="评价属实")
    rating.refresh_from_db()
    assert not rating.excluded
    assert rating.rectification.status == RectificationStatus.OPEN


def test_good_rating_cannot_be_contested(district, dept_head):
    with pytest.raises(ValidationError):
        services.file_contest(make_rating(district.dept, 5), actor=dept_head, reason="x" * 20)


def test_window_qr_rating_resubmitted_creates_one_rating(district):
    point = services.ensure_rating_point(district.window)
    key = "2b1e6c1e-8f7e-4d0e-9a53-1e0f0c3f4a11"
    first = services.rate_at_window(point, visit_key=key, level=5)
    again = services.rate_at_window(point, visit_key=key, level=5)
    assert first.pk == again.pk
    assert first.channel == Channel.QR
    assert first.department == district.dept and first.window == district.window
    assert RatingPoint.objects.count() == 1


def test_window_qr_rating_with_bad_input_writes_nothing(district):
    point = services.ensure_rating_point(district.window)
    with pytest.raises(ValidationError):
        services.rate_at_window(point, visit_key="2b1e6c1e-8f7e-4d0e-9a53-1e0f0c3f4a12", level=1)
    assert not ServiceEvent.objects.exists()


def test_observer_observation_is_a_rateable_event(district, supervisor):
    observer, password = services.invite_observer(
        actor=supervisor,
        username="obs1",
        full_name="钱监督",
        phone="13900001111",
        division=district.district,
    )
    assert len(password) >= 12
    obs = services.record_observation(
        observer,
        where="window",
        department=district.dept,
        window=district.window,
        matter="开办企业",
        narrative="窗口人员要求重复提交营业执照复印件",
        problem="重复提交材料",
        key="k1",
    )
    again = services.record_observation(
        observer,
        where="window",
        department=district.dept,
        window=district.window,
        matter="开办企业",
        narrative="窗口人员要求重复提交营业执照复印件",
        key="k1",
    )
    assert obs.pk == again.pk
    rating = services.submit_rating(obs.event, actor=observer.user, level=3, channel=Channel.WEB)
    assert rating.event.served_user == observer.user
