"""Notifications: in-app rows written in the caller's transaction, SMS after commit.

`notify(recipients, ...)` is safe to call twice with the same `dedupe_key`: each
recipient gets the message once (the periodic sweeps rely on this)."""

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from qinqing.core.models import Notification
from qinqing.core.sms import send_sms


def notify(
    recipients: Iterable[Any],
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str = "",
    sms: bool = False,
) -> list[Notification]:
    created: list[Notification] = []
    for user in {u.pk: u for u in recipients if u is not None}.values():
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    recipient=user,
                    kind=kind,
                    title=title[:200],
                    body=body,
                    url=url,
                    dedupe_key=dedupe_key,
                )
        except IntegrityError:
            continue  # already sent with this dedupe key
        created.append(note)
        phone = getattr(user, "phone", "")
        if sms and phone:
            text = f"【亲清】{title}"
            transaction.on_commit(partial(send_sms, phone, text))
    return created


def mark_read(notification: Notification, *, user: Any) -> None:
    Notification.objects.filter(pk=notification.pk, recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
