"""Liaison personas: a cadre of the assigned department, a cadre of another one, and a
round in progress with the cadre stationed at enterprise A (which has a location)."""

import datetime as dt

import pytest
from django.utils import timezone

from qinqing.accounts.models import Role, User
from qinqing.conftest import District, make_user
from qinqing.enterprises.models import Enterprise
from qinqing.liaison import stationing
from qinqing.liaison.models import Round, Stay

# 甲公司's registered location (广安, WGS-84)
A_LAT, A_LNG = 30.4564, 106.6333


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cadre(district: District) -> User:
    return make_user(
        "cadre", role=Role.CADRE, org=district.dept, full_name="刘驻企", phone="13800000001"
    )


@pytest.fixture
def other_cadre(district: District) -> User:
    return make_user(
        "other_cadre",
        role=Role.CADRE,
        org=district.other_dept,
        full_name="吴干部",
        phone="13800000002",
    )


@pytest.fixture
def located_a(enterprise_a: Enterprise) -> Enterprise:
    Enterprise.objects.filter(pk=enterprise_a.pk).update(lat=A_LAT, lng=A_LNG)
    enterprise_a.refresh_from_db()
    return enterprise_a


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def open_round(supervisor: User, today: dt.date) -> Round:
    round_ = stationing.create_round(
        actor=supervisor,
        name="第一批",
        starts_on=today - dt.timedelta(days=20),
        ends_on=today + dt.timedelta(days=20),
        radius_m=500,
    )
    return stationing.open_round(round_, actor=supervisor)


@pytest.fixture
def stay(
    open_round: Round, supervisor: User, cadre: User, located_a: Enterprise, today: dt.date
) -> Stay:
    return stationing.plan_stay(
        open_round,
        actor=supervisor,
        cadre=cadre,
        enterprise=located_a,
        starts_on=today - dt.timedelta(days=3),
    )


@pytest.fixture
def finished_stay(
    open_round: Round, supervisor: User, other_cadre: User, located_a: Enterprise, today: dt.date
) -> Stay:
    """A stay whose last day is today: the enterprise may score it."""
    return stationing.plan_stay(
        open_round,
        actor=supervisor,
        cadre=other_cadre,
        enterprise=located_a,
        starts_on=today - dt.timedelta(days=13),
    )


def close_appeal_through_the_loop(appeal, *, office, department, handler, solved=True):  # type: ignore[no-untyped-def]
    """Walk an appeal from 受理 to 办结 through the appeals services, as people do."""
    from qinqing.appeals import services as appeals

    appeals.dispatch_appeal(appeal, actor=office, to=department)
    appeals.acknowledge_appeal(appeal, actor=handler)
    appeals.record_contact(appeal, actor=handler, method="phone", person="王总")
    appeals.reply_appeal(appeal, actor=handler, result="solved", text="已协调解决")
    appeals.call_back_appeal(
        appeal, actor=office, solved=solved, rating="satisfied" if solved else "unsatisfied"
    )
    return appeals.close_appeal(appeal, actor=office)
