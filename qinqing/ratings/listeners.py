"""Every handled matter becomes a rateable service event (好差评), from the timelines of
the modules below ratings (registered in RatingsConfig.ready; those modules never
import ratings):

- an appeal closed (办结) -> ServiceEvent "appeal:<id>". The call-back's five-level answer
  IS its rating (channel: web when the enterprise answered online, phone when a
  supervisor recorded it), so the enterprise is never asked twice;
- a policy application approved or rejected -> "application:<id>";
- a payment made (兑现) -> "disbursement:<id>".

Each listener takes an event id (appeals add the appeal's ids, unused here), and is safe to run twice (service events are unique on
their reference, a rating on its event).
"""

import logging
from typing import Any

from django.db import transaction

from qinqing.ratings.models import Channel, Level, Rating, ServiceKind
from qinqing.ratings.services import record_service_event, submit_rating

logger = logging.getLogger("qinqing.ratings")

# appeals' five-level answers (appeals.models.Rating) -> 好差评 levels
APPEAL_LEVELS = {
    "very_satisfied": Level.VERY_SATISFIED,
    "satisfied": Level.SATISFIED,
    "basic": Level.BASIC,
    "unsatisfied": Level.DISSATISFIED,
    "very_unsatisfied": Level.VERY_DISSATISFIED,
}
CALLBACK_TAG = "诉求回访"


def _enterprise_user(appeal: Any, answered_by: Any) -> Any:
    from qinqing.accounts.models import User

    if answered_by is not None and getattr(answered_by, "uscc", ""):
        return answered_by
    if appeal.enterprise_id:
        return (
            User.objects.filter(uscc=appeal.enterprise.uscc, is_active=True).order_by("pk").first()
        )
    creator = appeal.created_by
    return creator if creator is not None and creator.uscc else None


def appeal_closed(event_id: int, **_ids: Any) -> None:
    from qinqing.appeals.models import AppealEvent

    closed = AppealEvent.objects.select_related("appeal__enterprise", "appeal__created_by").get(
        pk=event_id
    )
    appeal = closed.appeal
    if appeal.lead_department_id is None:
        return  # never handled by a department: nothing to rate
    callback = (
        AppealEvent.objects.filter(appeal=appeal, kind="called_back", at__lte=closed.at)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    online = bool(callback and callback.data.get("online"))
    served = _enterprise_user(appeal, callback.actor if online and callback else None)
    replied = (
        AppealEvent.objects.filter(appeal=appeal, kind="replied").order_by("-at", "-id").first()
    )
    with transaction.atomic():
        service = record_service_event(
            kind=ServiceKind.APPEAL,
            reference=f"appeal:{appeal.pk}",
            department=appeal.lead_department,
            occurred_at=appeal.closed_at or closed.at,
            matter=f"诉求 {appeal.number}：{appeal.title}",
            handled_by=replied.actor if replied is not None else None,
            served_user=served,
        )
        level = APPEAL_LEVELS.get(appeal.rating)
        if level is None or callback is None or Rating.objects.filter(event=service).exists():
            return
        submit_rating(
            service,
            actor=callback.actor,
            level=level,
            channel=Channel.WEB if online else Channel.PHONE,
            tags=[CALLBACK_TAG],
            comment=callback.note[:1000],
        )


def _policy_event(event_id: int) -> Any:
    from qinqing.policies.models import PolicyEvent

    return PolicyEvent.objects.select_related(
        "application__item__department",
        "application__applicant",
        "disbursement__item__department",
        "disbursement__application__applicant",
    ).get(pk=event_id)


def application_decided(event_id: int) -> None:
    event = _policy_event(event_id)
    application = event.application
    if application is None:
        return
    record_service_event(
        kind=ServiceKind.POLICY,
        reference=f"application:{application.pk}",
        department=application.item.department,
        occurred_at=event.at,
        matter=f"政策申报：{application.item.title}",
        handled_by=event.actor,
        served_user=application.applicant,
    )


def disbursement_paid(event_id: int) -> None:
    event = _policy_event(event_id)
    disbursement = event.disbursement
    if disbursement is None:
        return
    application = disbursement.application
    record_service_event(
        kind=ServiceKind.POLICY,
        reference=f"disbursement:{disbursement.pk}",
        department=disbursement.item.department,
        occurred_at=event.at,
        matter=f"政策兑现：{disbursement.item.title}",
        handled_by=event.actor,
        served_user=application.applicant if application is not None else None,
    )


def register() -> None:
    from qinqing.appeals.hooks import register_event_listener as on_appeal
    from qinqing.policies.hooks import register_event_listener as on_policy

    on_appeal("closed", appeal_closed)
    on_policy("application_approve", application_decided)
    on_policy("application_reject", application_decided)
    on_policy("disbursement_pay", disbursement_paid)
