"""Home-page cards of the foundation: who you are and where you work."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from qinqing.accounts.models import Role
from qinqing.core.nav import register_home_card, register_nav

ROLE_TASKS = {
    Role.ENTERPRISE: _(
        "Raise difficulties, follow them and rate the handling; see the policies you qualify for."
    ),
    Role.INTAKE_OPERATOR: _(
        "Register appeals from the phone, windows and letters, and dispatch them."
    ),
    Role.HANDLER: _("Acknowledge or return assignments, contact the enterprise, handle and reply."),
    Role.DEPT_HEAD: _("Watch your department's assignments, approve replies and answer urgings."),
    Role.SUPERVISOR: _(
        "Watch deadlines, urge and supervise, review returns and extensions, call back."
    ),
    Role.LEADER: _("See the cockpit, rankings, the month's topic and your liaison enterprises."),
    Role.POLICY_OFFICER: _(
        "Keep the policy library and eligibility rules; review applications and payments."
    ),
    Role.ADMIN: _("Manage organisations, people, roles, the holiday calendar and time limits."),
}


def _organisations(user: Any) -> dict[str, Any]:
    from qinqing.accounts.models import Membership

    memberships = (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__path")
    )
    return {"memberships": memberships}


def _tasks(user: Any) -> dict[str, Any]:
    from qinqing.accounts.permissions import roles_of

    roles = roles_of(user)
    return {"tasks": [(Role(r).label, text) for r, text in ROLE_TASKS.items() if r in roles]}


def register() -> None:
    every_role = [r.value for r in Role]
    register_home_card("accounts/cards/tasks.html", every_role, order=90, context=_tasks)
    # the enterprise's own card (order 2) is registered by the enterprises app
    register_home_card(
        "accounts/cards/organisations.html",
        [r for r in every_role if r != Role.ENTERPRISE],
        order=91,
        context=_organisations,
    )
    # the administrator's calendar card (order 5) is registered by the workdays app
    register_nav(_("Home"), "accounts:home", order=0)
    register_nav(_("Back office"), "admin:index", roles=[Role.ADMIN], order=900)
