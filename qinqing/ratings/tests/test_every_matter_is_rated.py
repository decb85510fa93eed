"""Every handled matter becomes a rateable service, through the timelines' listeners:
a closed appeal carries its call-back as its one rating; a decided application and a
payment wait for the enterprise's rating."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.files.base import ContentFile

from qinqing.accounts.models import Role
from qinqing.appeals import services as appeals
from qinqing.appeals.models import AppealEvent, ReplyResult
from qinqing.appeals.models import Rating as Answer
from qinqing.conftest import make_user
from qinqing.policies import services as policies
from qinqing.policies.factories import make_item
from qinqing.ratings import listeners
from qinqing.ratings.models import Channel, Level, Rating, ServiceEvent
from qinqing.ratings.selectors import events_to_rate

pytestmark = pytest.mark.django_db


def run_loop(appeal, *, intake, handler, answer_by, district, answer=Answer.SATISFIED, solved=True):  # type: ignore[no-untyped-def]
    appeals.dispatch_appeal(appeal, actor=intake, to=district.dept)
    appeals.acknowledge_appeal(appeal, actor=handler)
    appeals.record_contact(appeal, actor=handler, method="phone", person="刘经理")
    appeals.reply_appeal(
        appeal, actor=handler, result=ReplyResult.SOLVED, text="已协调供电公司恢复"
    )
    appeals.call_back_appeal(appeal, actor=answer_by, solved=solved, rating=answer, note="抢修及时")


@pytest.fixture
def appeal(intake, enterprise_a):  # type: ignore[no-untyped-def]
    appeal, _ = appeals.register_appeal(
        actor=intake, channel="phone", title="厂区停电三天无人处理",
        description="园区变压器故障，厂区停电已三天。", requester_name="刘经理",
        requester_phone="13812345678", enterprise=enterprise_a,
    )  # fmt: skip
    return appeal


def test_closing_an_appeal_rates_it_with_the_enterprises_online_answer_once(
    appeal, intake, handler, supervisor, enterprise_user_a, district,
    django_capture_on_commit_callbacks,
) -> None:  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        run_loop(appeal, intake=intake, handler=handler, answer_by=enterprise_user_a,
                 district=district, answer=Answer.VERY_SATISFIED)  # fmt: skip
        assert not ServiceEvent.objects.exists()  # not before 办结
        appeals.close_appeal(appeal, actor=supervisor)
    service = ServiceEvent.objects.get(reference=f"appeal:{appeal.pk}")
    rating = Rating.objects.get(event=service)
    assert (service.department, service.served_user, service.handled_by) == (
        district.dept, enterprise_user_a, handler,
    )  # fmt: skip
    assert (rating.level, rating.channel, rating.rated_by) == (
        Level.VERY_SATISFIED, Channel.WEB, enterprise_user_a,
    )  # fmt: skip
    assert rating.comment == "抢修及时"
    # the enterprise is not asked a second time
    assert not events_to_rate(enterprise_user_a).exists()
    # a listener run twice (a retried queue job) changes nothing
    closed = AppealEvent.objects.get(appeal=appeal, kind="closed")
    listeners.appeal_closed(closed.pk)
    assert ServiceEvent.objects.count() == 1 and Rating.objects.count() == 1


def test_a_phone_call_back_that_is_unsatisfied_becomes_a_bad_rating_to_rectify(
    appeal, intake, handler, supervisor, district, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run_loop(appeal, intake=intake, handler=handler, answer_by=supervisor,
                 district=district, answer=Answer.UNSATISFIED, solved=False)  # fmt: skip
        appeals.close_appeal(appeal, actor=supervisor)
    rating = Rating.objects.get(event__reference=f"appeal:{appeal.pk}")
    assert (rating.level, rating.channel, rating.recorded_by, rating.is_bad) == (
        Level.DISSATISFIED, Channel.PHONE, supervisor, True,
    )  # fmt: skip
    assert rating.rectification.status == "open"


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
def test_a_decided_application_and_its_payment_wait_for_the_enterprises_rating(
    policy_officer, district, enterprise_a, enterprise_user_a,
    django_capture_on_commit_callbacks,
) -> None:  # fmt: skip
    item = make_item(
        actor=policy_officer, department=district.dept, mode="apply", amount=Decimal("10"),
        budget=Decimal("100"), payout_days=60, required_materials=["licence"],
    )  # fmt: skip
    # a second officer confirms the payment (四眼原则)
    payer = make_user("policy2", role=Role.POLICY_OFFICER, org=district.district)
    policies.save_material(
        enterprise_a, actor=enterprise_user_a, material_type="licence",
        file=ContentFile(b"%PDF-1.4", name="licence.pdf"), valid_to=None,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        application = policies.submit_application(
            item, actor=enterprise_user_a, enterprise=enterprise_a, idempotency_key="r1"
        )
        application = policies.approve_application(application, actor=policy_officer)
        policies.mark_disbursement_paid(
            application.disbursement, actor=payer, paid_on=dt.date(2026, 3, 20)
        )
    references = set(events_to_rate(enterprise_user_a).values_list("reference", flat=True))
    assert references == {
        f"application:{application.pk}",
        f"disbursement:{application.disbursement.pk}",
    }
