"""Navigation and home cards of the appeals app (registered in AppConfig.ready)."""

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qinqing.accounts.models import Role
from qinqing.core.nav import register_home_card, register_nav


def _appeal_item(appeal: Any, note: str = "", *, with_due: bool = True) -> Any:
    from qinqing.core.cards import DueItem

    return DueItem(
        label=f"{appeal.number} {appeal.title}",
        url=reverse("appeals:detail", args=[appeal.pk]),
        due=appeal.next_due_at if with_due else None,
        note=note,
    )


def _enterprise_counts(user: Any) -> dict[str, Any] | None:
    """The enterprise's own matters: replies waiting for its rating first, then what is
    still being handled, by deadline."""
    from qinqing.appeals.models import FINAL_STATUSES, Status
    from qinqing.appeals.selectors import appeals_visible_to
    from qinqing.core.cards import due_card

    qs = appeals_visible_to(user).exclude(status__in=FINAL_STATUSES)
    to_rate = qs.filter(status=Status.REPLIED).order_by("replied_at", "id")
    handling = qs.exclude(status=Status.REPLIED).order_by("next_due_at", "id")
    rows = [*to_rate[:5], *handling[:5]]
    card = due_card(
        _("My open appeals"),
        rows,
        # the enterprise answers a reply by rating it: no deadline of its own
        lambda a: (
            _appeal_item(a, str(_("reply waiting for your rating")), with_due=False)
            if a.status == Status.REPLIED
            else _appeal_item(a)
        ),
        count=qs.count(),
        more_url=reverse("appeals:mine"),
        more_label=_("My appeals"),
        empty=_("Nothing open. Raise an appeal whenever something blocks your business."),
    )
    card["to_rate"] = to_rate.count()
    return card


def _department_counts(user: Any) -> dict[str, Any] | None:
    """Assignments of the person's departments, what is due first."""
    from qinqing.appeals.selectors import worklist_for
    from qinqing.core.cards import due_card

    qs = worklist_for(user)
    return due_card(
        _("Assignments due"),
        qs[:5],
        _appeal_item,
        count=qs.count(),
        overdue=qs.filter(next_due_at__lt=timezone.now()).count(),
        more_url=reverse("appeals:worklist"),
        more_label=_("Open the worklist"),
        empty=_("No open assignments."),
    )


def _dispatch_counts(user: Any) -> dict[str, Any] | None:
    """Registered appeals to dispatch and returned ones to review, oldest first."""
    from qinqing.appeals.models import Status
    from qinqing.appeals.selectors import appeals_visible_to
    from qinqing.core.cards import due_card

    qs = appeals_visible_to(user).filter(status__in=[Status.REGISTERED, Status.RETURNED])
    rows = qs.order_by("next_due_at", "created_at", "id")
    return due_card(
        _("To dispatch or review"),
        rows[:5],
        lambda a: _appeal_item(
            a, str(_("returned by the department")) if a.status == Status.RETURNED else ""
        ),
        count=qs.count(),
        overdue=qs.filter(next_due_at__lt=timezone.now()).count(),
        more_url=reverse("appeals:ledger") + "?status=registered",
        more_label=_("Appeal ledger"),
        empty=_("Nothing waits for dispatch."),
    )


def _oversight_counts(user: Any) -> dict[str, Any] | None:
    """Overdue open appeals, the longest overdue first."""
    from qinqing.appeals.models import FINAL_STATUSES
    from qinqing.appeals.selectors import appeals_visible_to
    from qinqing.core.cards import due_card

    qs = appeals_visible_to(user).exclude(status__in=FINAL_STATUSES)
    overdue = qs.filter(next_due_at__lt=timezone.now()).order_by("next_due_at", "id")
    n_overdue = overdue.count()
    card = due_card(
        _("Overdue appeals"),
        overdue[:5],
        _appeal_item,
        count=n_overdue,
        overdue=n_overdue,
        more_url=reverse("appeals:board"),
        more_label=_("Supervision board"),
        empty=_("No appeal is overdue."),
    )
    card["open"] = qs.count()
    return card


def _callback_counts(user: Any) -> dict[str, Any] | None:
    """Replied appeals waiting for the supervisor's call-back (待回访), oldest first."""
    from qinqing.appeals.models import Status
    from qinqing.appeals.selectors import appeals_visible_to
    from qinqing.core.cards import DueItem, due_card

    qs = appeals_visible_to(user).filter(status=Status.REPLIED).order_by("replied_at", "id")
    return due_card(
        _("Call-backs due"),
        qs[:5],
        lambda a: DueItem(
            label=f"{a.number} {a.title}",
            url=reverse("appeals:detail", args=[a.pk]),
            due=a.next_due_at,
        ),
        count=qs.count(),
        more_url=reverse("appeals:board"),
        more_label=_("Supervision board"),
        empty=_("No call-back is due."),
    )


def _extension_counts(user: Any) -> dict[str, Any] | None:
    """Extension requests waiting for a decision."""
    from qinqing.appeals.selectors import extensions_pending_for
    from qinqing.core.cards import DueItem, due_card

    qs = extensions_pending_for(user)
    if not qs.exists():
        return None
    return due_card(
        _("Extension requests to decide"),
        qs[:5],
        lambda e: DueItem(
            label=f"{e.appeal.number} {e.appeal.title}",
            url=reverse("appeals:detail", args=[e.appeal_id]),
            due=e.appeal.next_due_at,
        ),
        count=qs.count(),
        more_url=reverse("appeals:board"),
        more_label=_("Supervision board"),
    )


def register() -> None:
    register_nav(_("My appeals"), "appeals:mine", roles=[Role.ENTERPRISE], order=10)
    register_nav(_("Raise an appeal"), "appeals:new", roles=[Role.ENTERPRISE], order=11)
    register_nav(
        _("Register an appeal"),
        "appeals:intake",
        roles=[Role.INTAKE_OPERATOR, Role.SUPERVISOR],
        order=12,
    )
    register_nav(_("Worklist"), "appeals:worklist", roles=[Role.HANDLER, Role.DEPT_HEAD], order=13)
    register_nav(
        _("Supervision board"), "appeals:board", roles=[Role.SUPERVISOR, Role.LEADER], order=14
    )
    register_nav(
        _("Appeal ledger"),
        "appeals:ledger",
        roles=[
            Role.INTAKE_OPERATOR,
            Role.SUPERVISOR,
            Role.LEADER,
            Role.HANDLER,
            Role.DEPT_HEAD,
            Role.ADMIN,
        ],
        order=15,
    )
    due = "core/cards/due.html"
    register_home_card(due, [Role.ENTERPRISE], 10, _enterprise_counts, key="appeals:mine")
    register_home_card(
        due, [Role.HANDLER, Role.DEPT_HEAD], 10, _department_counts, key="appeals:worklist"
    )
    register_home_card(
        due, [Role.INTAKE_OPERATOR, Role.SUPERVISOR], 11, _dispatch_counts, key="appeals:dispatch"
    )
    register_home_card(
        due, [Role.SUPERVISOR, Role.LEADER], 12, _oversight_counts, key="appeals:overdue"
    )
    register_home_card(due, [Role.SUPERVISOR], 13, _callback_counts, key="appeals:callbacks")
    register_home_card(due, [Role.SUPERVISOR], 14, _extension_counts, key="appeals:extensions")
