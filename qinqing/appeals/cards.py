"""Navigation and home cards of the appeals app (registered in AppConfig.ready)."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qinqing.accounts.models import Role
from qinqing.core.nav import register_home_card, register_nav


def _enterprise_counts(user: Any) -> dict[str, Any] | None:
    from qinqing.appeals.models import FINAL_STATUSES, Status
    from qinqing.appeals.selectors import appeals_visible_to

    qs = appeals_visible_to(user).exclude(status__in=FINAL_STATUSES)
    return {
        "open": qs.count(),
        "to_rate": qs.filter(status=Status.REPLIED).count(),
    }


def _department_counts(user: Any) -> dict[str, Any] | None:
    from qinqing.appeals.selectors import worklist_for

    qs = worklist_for(user)
    return {"open": qs.count(), "overdue": qs.filter(next_due_at__lt=timezone.now()).count()}


def _oversight_counts(user: Any) -> dict[str, Any] | None:
    from qinqing.appeals.models import FINAL_STATUSES, Status
    from qinqing.appeals.selectors import appeals_visible_to

    qs = appeals_visible_to(user).exclude(status__in=FINAL_STATUSES)
    return {
        "open": qs.count(),
        "overdue": qs.filter(next_due_at__lt=timezone.now()).count(),
        "to_dispatch": qs.filter(status__in=[Status.REGISTERED, Status.RETURNED]).count(),
    }


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
    register_home_card(
        "appeals/cards/enterprise.html", [Role.ENTERPRISE], order=10, context=_enterprise_counts
    )
    register_home_card(
        "appeals/cards/department.html",
        [Role.HANDLER, Role.DEPT_HEAD],
        order=10,
        context=_department_counts,
    )
    register_home_card(
        "appeals/cards/oversight.html",
        [Role.INTAKE_OPERATOR, Role.SUPERVISOR, Role.LEADER],
        order=10,
        context=_oversight_counts,
    )
