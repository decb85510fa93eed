"""Home-page cards (registered in PoliciesConfig.ready)."""

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qinqing.core.cards import DueItem, due_card
from qinqing.policies.matching import answers_for
from qinqing.policies.models import Application, ApplicationStatus, GrantBatch, Outcome
from qinqing.policies.selectors import enterprise_of


def enterprise_card(user: Any) -> dict[str, Any] | None:
    enterprise = enterprise_of(user)
    if enterprise is None:
        return None
    outcomes = [a.outcome for a in answers_for(enterprise.pk)]
    return {"eligible": outcomes.count(Outcome.ELIGIBLE), "almost": outcomes.count(Outcome.ALMOST)}


def officer_card(user: Any) -> dict[str, Any]:
    """Applications waiting for review, the payout due first."""
    qs = (
        Application.objects.filter(status=ApplicationStatus.SUBMITTED)
        .select_related("item", "enterprise")
        .order_by("due_at", "id")
    )
    card = due_card(
        _("Applications waiting for review"),
        qs[:5],
        lambda a: DueItem(
            label=f"{a.enterprise.name} · {a.item.title}",
            url=reverse("policies:application", args=[a.pk]),
            due=a.due_at,
        ),
        count=qs.count(),
        overdue=qs.filter(due_at__lt=timezone.now()).count(),
        more_url=reverse("policies:desk"),
        more_label=_("Policy work"),
        empty=_("No application waits for review."),
    )
    card["waiting"] = card["count"]
    return card


def batches_card(user: Any) -> dict[str, Any] | None:
    """Grant lists (免申即享 名单) waiting for a second officer's approval; the list its
    preparer made is shown, marked, as only someone else may approve it."""
    qs = (
        GrantBatch.objects.filter(status=GrantBatch.Status.DRAFT)
        .select_related("item", "created_by")
        .order_by("created_at", "id")
    )
    if not qs.exists():
        return None
    return due_card(
        _("Grant lists to approve"),
        qs[:5],
        lambda b: DueItem(
            label=f"{b.item.title} · {b.period}",
            url=reverse("policies:batch", args=[b.pk]),
            note=str(_("prepared by you: another officer approves"))
            if b.created_by_id == user.pk
            else str(_("prepared by %(name)s") % {"name": b.created_by.display_name}),
        ),
        count=qs.count(),
        more_url=reverse("policies:desk"),
        more_label=_("Policy work"),
    )


def documents_card(user: Any) -> dict[str, Any] | None:
    """Policy documents not yet fully published: each opens its guided page."""
    from django.db.models import Q

    from qinqing.policies.models import PolicyDocument, PublishStatus

    qs = (
        PolicyDocument.objects.filter(
            Q(status=PublishStatus.DRAFT)
            | Q(items__status=PublishStatus.DRAFT)
            | Q(items__current_rule__isnull=True)
        )
        .distinct()
        .order_by("-updated_at", "-id")
    )
    return due_card(
        _("Policy documents in progress"),
        qs[:5],
        lambda d: DueItem(
            label=d.title,
            url=reverse("policies:guide", args=[d.pk]),
            note=str(d.get_status_display()),
        ),
        count=qs.count(),
        more_url=reverse("policies:document_new"),
        more_label=_("New policy document"),
        empty=_("Every document and its items are published."),
    )
