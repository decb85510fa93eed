import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from qinqing.appeals import services
from qinqing.appeals.models import (
    Appeal,
    AppealEvent,
    Assignment,
    Channel,
    Clock,
    Extension,
    Rating,
    ReplyResult,
    Status,
)
from qinqing.appeals.tests.conftest import register
from qinqing.core.models import Notification

pytestmark = pytest.mark.django_db


def test_register_gives_region_year_sequence_numbers(intake: Any, enterprise_a: Any) -> None:
    first = register(intake, enterprise_a)
    second = register(intake, enterprise_a)
    year = first.created_at.astimezone(dt.UTC).year
    assert first.number.startswith(f"511602{year}")
    assert int(second.number[-7:]) == int(first.number[-7:]) + 1
    assert first.division == enterprise_a.division
    assert first.events.get().kind == "registered"


def test_register_with_same_idempotency_key_returns_first_appeal(intake: Any) -> None:
    kwargs = {
        "channel": Channel.PHONE,
        "title": "咨询",
        "description": "内容",
        "requester_name": "王",
        "requester_phone": "13900000000",
        "idempotency_key": "call-1",
    }
    first, created = services.register_appeal(services.IntakeInput(**kwargs), actor=intake)
    again, created_again = services.register_appeal(services.IntakeInput(**kwargs), actor=intake)
    assert created and not created_again
    assert again.pk == first.pk
    assert Appeal.objects.count() == 1


def test_register_refuses_missing_title_naming_the_field(intake: Any) -> None:
    with pytest.raises(ValidationError) as err:
        register(intake, title="  ")
    assert err.value.message_dict == {"title": ["请填写标题。"]}
    assert not Appeal.objects.exists()


def test_register_refuses_bad_attachment_type(intake: Any) -> None:
    exe = SimpleUploadedFile("virus.exe", b"MZ...")
    with pytest.raises(ValidationError) as err:
        register(intake, files=[exe])
    assert "virus.exe" in err.value.message_dict["attachments"][0]
    assert not Appeal.objects.exists()


def test_register_refuses_pdf_whose_content_is_not_pdf(intake: Any) -> None:
    fake = SimpleUploadedFile("a.pdf", b"<html>")
    with pytest.raises(ValidationError):
        register(intake, files=[fake])


def test_enterprise_user_registers_for_own_enterprise_only(
    enterprise_user_a: Any, enterprise_a: Any, enterprise_b: Any
) -> None:
    # another enterprise's credit code is refused with the reason, never filed silently
    # under the caller's own (issue 15)
    with pytest.raises(ValidationError, match="只能为本企业提交诉求"):
        register(enterprise_user_a, enterprise_b, channel=Channel.PHONE)
    appeal = register(enterprise_user_a, None, channel=Channel.PHONE)
    assert appeal.enterprise == enterprise_a
    assert appeal.channel == Channel.PORTAL


def test_policy_officer_cannot_register(policy_officer: Any) -> None:
    with pytest.raises(PermissionDenied):
        register(policy_officer)


def test_dispatch_starts_acknowledge_clock_and_notifies_handlers(
    handler: Any, dispatched: Appeal
) -> None:
    assert dispatched.status == Status.DISPATCHED
    clock = Clock.objects.get(appeal=dispatched)
    assert clock.kind == "acknowledge" and clock.stopped_at is None
    assert dispatched.next_due_at == clock.due_at
    assert Notification.objects.filter(recipient=handler, kind="appeal.dispatched").exists()


def test_other_department_cannot_acknowledge(dispatched: Appeal, other_handler: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.acknowledge_appeal(dispatched, actor=other_handler)


def test_acknowledge_starts_contact_and_reply_clocks(acknowledged: Appeal) -> None:
    kinds = set(
        Clock.objects.filter(appeal=acknowledged, stopped_at__isnull=True).values_list(
            "kind", flat=True
        )
    )
    assert kinds == {"contact", "reply"}
    assert acknowledged.ack_on_time is True


def test_assisting_department_acknowledges_only_its_assignment(
    appeal: Appeal, intake: Any, district: Any, other_handler: Any
) -> None:
    services.dispatch_appeal(appeal, actor=intake, to=district.dept, assist=[district.other_dept])
    services.acknowledge_appeal(appeal, actor=other_handler)
    appeal.refresh_from_db()
    assert appeal.status == Status.DISPATCHED
    assist = appeal.assignments.get(role=Assignment.Role.ASSIST)
    assert assist.state == Assignment.State.ACKNOWLEDGED


def test_return_needs_reason_and_goes_back_to_dispatcher(
    intake: Any, handler: Any, district: Any, dispatched: Appeal
) -> None:
    with pytest.raises(ValidationError) as err:
        services.return_appeal(dispatched, actor=handler, reason="")
    assert "reason" in err.value.message_dict
    services.return_appeal(dispatched, actor=handler, reason="不属于本部门职责")
    dispatched.refresh_from_db()
    assert dispatched.status == Status.RETURNED and dispatched.return_count == 1
    assert Notification.objects.filter(recipient=intake, kind="appeal.returned").exists()
    services.dispatch_appeal(dispatched, actor=intake, to=district.other_dept)
    dispatched.refresh_from_db()
    assert dispatched.status == Status.DISPATCHED
    assert dispatched.lead_department == district.other_dept


def test_reply_cannot_be_solved_needs_policy_reason(handling: Appeal, handler: Any) -> None:
    with pytest.raises(ValidationError) as err:
        services.reply_appeal(handling, actor=handler, result=ReplyResult.CANNOT, text="无法")
    assert "policy_reason" in err.value.message_dict
    handling.refresh_from_db()
    assert handling.status == Status.HANDLING


def test_full_lifecycle_closes_with_outcomes(
    called_back: Appeal, supervisor: Any, enterprise_user_a: Any
) -> None:
    services.close_appeal(called_back, actor=supervisor)
    called_back.refresh_from_db()
    assert called_back.status == Status.CLOSED
    assert called_back.closed_on_time is True
    assert called_back.close_workdays is not None
    assert called_back.next_due_at is None
    kinds = list(called_back.events.values_list("kind", flat=True))
    assert kinds == [
        "registered",
        "dispatched",
        "acknowledged",
        "contacted",
        "replied",
        "called_back",
        "closed",
    ]


def test_enterprise_answers_call_back_online(replied: Appeal, enterprise_user_a: Any) -> None:
    services.call_back_appeal(
        replied, actor=enterprise_user_a, solved=False, rating=Rating.UNSATISFIED
    )
    replied.refresh_from_db()
    assert replied.status == Status.CALLED_BACK and replied.rating == Rating.UNSATISFIED


def test_other_enterprise_cannot_answer_call_back(replied: Appeal, enterprise_user_b: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.call_back_appeal(replied, actor=enterprise_user_b, solved=True, rating="satisfied")


def test_reopen_starts_new_reply_clock(called_back: Appeal, supervisor: Any) -> None:
    services.reopen_appeal(called_back, actor=supervisor, reason="企业反映仍未恢复供电")
    called_back.refresh_from_db()
    assert called_back.status == Status.HANDLING and called_back.reopen_count == 1
    clock = Clock.objects.get(appeal=called_back, kind="reply", cycle=1)
    assert clock.stopped_at is None


def test_suspend_pauses_and_resume_returns_to_previous_status(
    handling: Appeal, handler: Any
) -> None:
    services.suspend_appeal(handling, actor=handler, reason="等待企业补充材料")
    handling.refresh_from_db()
    assert handling.status == Status.SUSPENDED and handling.next_due_at is None
    assert not Clock.objects.filter(
        appeal=handling, stopped_at__isnull=True, paused_at__isnull=True
    ).exists()
    services.resume_appeal(handling, actor=handler)
    handling.refresh_from_db()
    assert handling.status == Status.HANDLING and handling.next_due_at is not None


def test_enterprise_withdraws_before_handling(dispatched: Appeal, enterprise_user_a: Any) -> None:
    services.withdraw_appeal(dispatched, actor=enterprise_user_a, reason="已自行解决")
    dispatched.refresh_from_db()
    assert dispatched.status == Status.WITHDRAWN
    assert not Clock.objects.filter(appeal=dispatched, stopped_at__isnull=True).exists()


def test_withdraw_after_acknowledge_is_refused_in_chinese(
    acknowledged: Appeal, enterprise_user_a: Any
) -> None:
    with pytest.raises(ValidationError) as err:
        services.withdraw_appeal(acknowledged, actor=enterprise_user_a)
    assert "不能执行“撤回”" in err.value.messages[0]


def test_mark_duplicate_links_original(appeal: Appeal, intake: Any, enterprise_a: Any) -> None:
    second = register(intake, enterprise_a)
    services.mark_duplicate(second, actor=intake, original=appeal)
    second.refresh_from_db()
    assert second.status == Status.DUPLICATE and second.duplicate_of == appeal
    with pytest.raises(ValidationError):
        services.mark_duplicate(appeal, actor=intake, original=appeal)


def test_urge_and_supervise_notify_department(
    handler: Any, dept_head: Any, supervisor: Any, dispatched: Appeal
) -> None:
    services.urge_appeal(dispatched, actor=supervisor, note="请尽快签收")
    services.urge_appeal(dispatched, actor=supervisor, note="督办", formal=True)
    assert Notification.objects.filter(recipient=dept_head, kind="appeal.supervise").exists()
    assert Notification.objects.filter(recipient=handler, kind="appeal.urge").exists()


def test_handler_cannot_supervise(dispatched: Appeal, handler: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.urge_appeal(dispatched, actor=handler, note="x", formal=True)


def test_approved_extension_moves_only_that_clock(
    acknowledged: Appeal, handler: Any, supervisor: Any
) -> None:
    contact = Clock.objects.get(appeal=acknowledged, kind="contact")
    reply = Clock.objects.get(appeal=acknowledged, kind="reply")
    ext = services.request_extension(
        acknowledged, actor=handler, clock_kind="reply", days=3, reason="需现场勘查"
    )
    services.decide_extension(ext, actor=supervisor, approve=True)
    contact_after = Clock.objects.get(pk=contact.pk)
    reply_after = Clock.objects.get(pk=reply.pk)
    assert contact_after.due_at == contact.due_at
    assert reply_after.due_at > reply.due_at and reply_after.extended_days == 3
    with pytest.raises(ValidationError):
        services.decide_extension(ext, actor=supervisor, approve=False, note="重复")


def test_refused_extension_keeps_due_and_needs_reason(
    acknowledged: Appeal, handler: Any, supervisor: Any
) -> None:
    ext = services.request_extension(
        acknowledged, actor=handler, clock_kind="reply", days=3, reason="需现场勘查"
    )
    with pytest.raises(ValidationError):
        services.decide_extension(ext, actor=supervisor, approve=False)
    services.decide_extension(ext, actor=supervisor, approve=False, note="时限内可完成")
    assert Extension.objects.get(pk=ext.pk).state == Extension.State.REFUSED


def test_handler_cannot_approve_extension(acknowledged: Appeal, handler: Any) -> None:
    ext = services.request_extension(
        acknowledged, actor=handler, clock_kind="reply", days=2, reason="原因"
    )
    with pytest.raises(PermissionDenied):
        services.decide_extension(ext, actor=handler, approve=True)


def test_consultation_is_staff_only(
    acknowledged: Appeal, supervisor: Any, enterprise_user_a: Any
) -> None:
    services.consult_appeal(acknowledged, actor=supervisor, note="会商", agreement="三日内解决")
    assert AppealEvent.objects.get(appeal=acknowledged, kind="consulted").staff_only
    with pytest.raises(PermissionDenied):
        services.consult_appeal(acknowledged, actor=enterprise_user_a, note="x")


def test_attachments_are_stored_with_an_event(acknowledged: Appeal, handler: Any) -> None:
    pdf = SimpleUploadedFile("现场照片.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    [attachment] = services.add_attachments(acknowledged, actor=handler, files=[pdf])
    assert attachment.event is not None and attachment.event.kind == "attached"
    assert attachment.file.read().startswith(b"%PDF")
