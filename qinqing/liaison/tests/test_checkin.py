import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qinqing.core.models import AuditEvent, Notification
from qinqing.liaison import stationing
from qinqing.liaison.geo import haversine_m
from qinqing.liaison.models import CheckIn, Stay
from qinqing.liaison.tests.conftest import A_LAT, A_LNG

pytestmark = pytest.mark.django_db


def test_haversine_matches_a_known_distance():
    # one degree of latitude is about 111.2 km
    assert haversine_m(30.0, 106.0, 31.0, 106.0) == pytest.approx(111_195, rel=1e-3)
    assert haversine_m(A_LAT, A_LNG, A_LAT, A_LNG) == 0


def test_cadre_checks_in_within_the_radius_and_sees_the_distance(stay, cadre):
    check = stationing.check_in(stay, actor=cadre, kind="in", lat=A_LAT + 0.001, lng=A_LNG)
    assert check.in_range is True
    assert 100 < check.distance_m < 120
    message = stationing.checkin_message(check, 500)
    assert "签到成功" in message and "米" in message


def test_check_in_outside_the_radius_is_kept_flagged_and_reported(stay, cadre, supervisor):
    check = stationing.check_in(stay, actor=cadre, kind="in", lat=A_LAT + 0.02, lng=A_LNG)
    assert check.in_range is False
    assert check.distance_m > 2000
    assert "超出 500 米范围" in stationing.checkin_message(check, 500)
    assert Notification.objects.filter(recipient=supervisor, kind="checkin_out_of_range").exists()


def test_cadre_cannot_check_in_twice_a_day(stay, cadre):
    stationing.check_in(stay, actor=cadre, kind="in", lat=A_LAT, lng=A_LNG)
    with pytest.raises(ValidationError, match="每天只能签到一次"):
        stationing.check_in(stay, actor=cadre, kind="in", lat=A_LAT, lng=A_LNG)
    assert CheckIn.objects.filter(stay=stay).count() == 1


def test_check_out_needs_a_check_in_first_and_happens_once(stay, cadre):
    with pytest.raises(ValidationError, match="请先签到"):
        stationing.check_in(stay, actor=cadre, kind="out", lat=A_LAT, lng=A_LNG)
    stationing.check_in(stay, actor=cadre, kind="in", lat=A_LAT, lng=A_LNG)
    stationing.check_in(stay, actor=cadre, kind="out", lat=A_LAT, lng=A_LNG)
    with pytest.raises(ValidationError, match="签退"):
        stationing.check_in(stay, actor=cadre, kind="out", lat=A_LAT, lng=A_LNG)


def test_cadre_cannot_check_in_outside_the_stay(stay, cadre, today):
    Stay.objects.filter(pk=stay.pk).update(
        starts_on=today + dt.timedelta(days=1), ends_on=today + dt.timedelta(days=14)
    )
    with pytest.raises(ValidationError, match="不在您的驻企期内"):
        stationing.check_in(stay, actor=cadre, kind="in", lat=A_LAT, lng=A_LNG)
    assert not CheckIn.objects.exists()


def test_cadre_cannot_check_in_to_someone_elses_stay(stay, other_cadre):
    with pytest.raises(PermissionDenied):
        stationing.check_in(stay, actor=other_cadre, kind="in", lat=A_LAT, lng=A_LNG)
    assert not CheckIn.objects.exists()
    assert AuditEvent.objects.filter(kind="denied", username="other_cadre").exists()


@pytest.mark.parametrize(
    ("lat", "lng"), [("nan", "106"), ("91", "106"), ("", ""), ("1e400", "0"), ("abc", "1")]
)
def test_a_bad_location_is_refused_in_chinese(stay, cadre, lat, lng):
    with pytest.raises(ValidationError, match="有效定位"):
        stationing.check_in(stay, actor=cadre, kind="in", lat=lat, lng=lng)


def test_check_in_at_an_enterprise_without_location_is_flagged(stay, cadre):
    stay.enterprise.__class__.objects.filter(pk=stay.enterprise_id).update(lat=None, lng=None)
    check = stationing.check_in(stay, actor=cadre, kind="in", lat=A_LAT, lng=A_LNG)
    assert check.in_range is None and check.distance_m is None
    assert "待核实" in stationing.checkin_message(check, 500)


def test_no_check_in_before_the_round_is_opened(supervisor, cadre, located_a, today):
    round_ = stationing.create_round(
        actor=supervisor, name="筹备中", starts_on=today, ends_on=today + dt.timedelta(days=30)
    )
    stay = stationing.plan_stay(
        round_, actor=supervisor, cadre=cadre, enterprise=located_a, starts_on=today
    )
    with pytest.raises(ValidationError, match="不在进行中"):
        stationing.check_in(stay, actor=cadre, kind="in", lat=A_LAT, lng=A_LNG)


def test_missing_check_ins_are_reminded_once_a_day(stay, cadre, today):
    assert stationing.remind_missing_checkins(today) == 1
    assert stationing.remind_missing_checkins(today) == 0
    stationing.check_in(stay, actor=cadre, kind="in", lat=A_LAT, lng=A_LNG)
    assert stationing.stays_missing_checkin(today) == []


def test_daily_note_is_one_per_day_and_only_during_the_stay(stay, cadre, other_cadre):
    stationing.write_note(stay, actor=cadre, text="走访车间，了解用工需求")
    stationing.write_note(stay, actor=cadre, text="走访车间，了解用工和用电需求")
    assert stay.notes.count() == 1
    assert "用电" in stay.notes.get().text
    with pytest.raises(PermissionDenied):
        stationing.write_note(stay, actor=other_cadre, text="x")
