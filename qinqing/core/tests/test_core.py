import pytest

from qinqing.core.models import AppendOnlyError, AuditEvent, Notification
from qinqing.core.notify import mark_read, notify, unread_count
from qinqing.core.sms import ConsoleSmsBackend
from qinqing.lib.masking import mask_id_number, mask_name, mask_phone


def test_phone_and_id_numbers_are_masked() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0826-2221001") == "082*******01"
    assert mask_id_number("110105199001011234") == "110105********1234"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_phone("") == ""


@pytest.mark.django_db
def test_audit_rows_cannot_be_changed_or_deleted() -> None:
    event = AuditEvent.objects.create(kind=AuditEvent.Kind.LOGIN, username="x")
    event.username = "y"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.django_db
def test_notifications_with_the_same_key_are_sent_once(
    handler, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    handler.phone = "13900001111"
    handler.save()
    ConsoleSmsBackend.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(
            [handler], kind="deadline", title="即将超期", dedupe_key="appeal:1:warn", sms=True
        )
    with django_capture_on_commit_callbacks(execute=True):
        second = notify(
            [handler], kind="deadline", title="即将超期", dedupe_key="appeal:1:warn", sms=True
        )
    assert len(first) == 1
    assert second == []
    assert Notification.objects.filter(recipient=handler).count() == 1
    assert ConsoleSmsBackend.sent == [("13900001111", "【亲清】即将超期")]
    assert unread_count(handler) == 1
    mark_read(first[0], user=handler)
    assert unread_count(handler) == 0
