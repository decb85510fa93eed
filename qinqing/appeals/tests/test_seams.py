"""The enterprise's own 重办 within its window, merging a duplicate, and the staff-only
box the enterprise never gets."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from qinqing.appeals import services
from qinqing.appeals.forms import AttachForm
from qinqing.appeals.models import AppealEvent, Rating, ReplyResult, Status
from qinqing.appeals.tests.conftest import register
from qinqing.core.models import Notification
from qinqing.workdays.calendar import CHINA

pytestmark = pytest.mark.django_db


def replied_and_answered(appeal: Any, intake: Any, handler: Any, answer_by: Any, district: Any,
                         *, rating: str, solved: bool) -> None:  # fmt: skip
    services.dispatch_appeal(appeal, actor=intake, to=district.dept)
    services.acknowledge_appeal(appeal, actor=handler)
    services.record_contact(appeal, actor=handler, method="phone", person="刘经理")
    services.reply_appeal(appeal, actor=handler, result=ReplyResult.PARTLY, text="部分解决")
    services.call_back_appeal(appeal, actor=answer_by, solved=solved, rating=rating)


def test_enterprise_unsatisfied_asks_for_reopening_and_handlers_and_supervisors_hear(
    intake, handler, supervisor, enterprise_a, enterprise_user_a, district
) -> None:
    appeal = register(intake, enterprise_a)
    replied_and_answered(appeal, intake, handler, enterprise_user_a, district,
                         rating=Rating.UNSATISFIED, solved=False)  # fmt: skip
    services.request_reopen(appeal, actor=enterprise_user_a, reason="水压仍不足")
    appeal.refresh_from_db()
    assert (appeal.status, appeal.reopen_count) == (Status.HANDLING, 1)
    event = AppealEvent.objects.get(appeal=appeal, kind="reopened")
    assert event.data["requested_by_enterprise"] is True
    told = {
        (user, title[:6])
        for user, title in Notification.objects.values_list("recipient_id", "title")
        if "申请重办" in title
    }
    assert {user for user, _ in told} >= {handler.pk, supervisor.pk}


def test_enterprise_cannot_reopen_when_satisfied_or_after_the_window(
    intake, handler, enterprise_a, enterprise_user_a, enterprise_user_b, district, settings
) -> None:
    settings.APPEAL_REOPEN_WINDOW_WORKDAYS = 3
    satisfied = register(intake, enterprise_a)
    replied_and_answered(satisfied, intake, handler, enterprise_user_a, district,
                         rating=Rating.SATISFIED, solved=True)  # fmt: skip
    with pytest.raises(ValidationError):
        services.request_reopen(satisfied, actor=enterprise_user_a, reason="再看看")
    late = register(intake, enterprise_a)
    replied_and_answered(late, intake, handler, enterprise_user_a, district,
                         rating=Rating.VERY_UNSATISFIED, solved=False)  # fmt: skip
    with pytest.raises(PermissionDenied):  # another enterprise
        services.request_reopen(late, actor=enterprise_user_b, reason="不满意")
    with (
        time_machine.travel(dt.datetime.now(CHINA) + dt.timedelta(days=10)),
        pytest.raises(ValidationError) as exc,
    ):
        services.request_reopen(late, actor=enterprise_user_a, reason="不满意")
    assert "3 个工作日" in str(exc.value)
    late.refresh_from_db()
    assert late.status == Status.CALLED_BACK


def test_merging_closes_the_duplicate_and_records_it_on_both(intake, enterprise_a) -> None:
    original = register(intake, enterprise_a)
    again = register(intake, enterprise_a)
    services.merge_appeals(again, actor=intake, into=original, note="同一停电")
    again.refresh_from_db()
    assert (again.status, again.duplicate_of) == (Status.DUPLICATE, original)
    assert AppealEvent.objects.filter(appeal=again, kind="duplicate").exists()
    merged = AppealEvent.objects.get(appeal=original, kind="merged")
    assert merged.data["duplicate"] == again.number


def test_intake_registers_and_merges_into_the_chosen_duplicate(
    intake, enterprise_a, client_for
) -> None:
    original = register(intake, enterprise_a)
    response = client_for(intake).post(
        "/appeals/intake/",
        {
            "channel": "phone", "type": "appeal", "title": "厂区停电三天无人处理",
            "description": "厂区停电已三天。", "requester_name": "刘经理",
            "requester_phone": "13812345678", "enterprise_query": enterprise_a.uscc,
            "idempotency_key": "merge-1", "merge_into": str(original.pk),
        },
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"].endswith(f"/{original.pk}/")
    assert original.duplicates.get().status == Status.DUPLICATE


def test_the_enterprise_never_gets_the_staff_only_box() -> None:
    assert "staff_only" not in AttachForm(staff=False).fields
    assert "staff_only" in AttachForm().fields
