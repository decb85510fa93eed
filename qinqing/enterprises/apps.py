from typing import Any

from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "qinqing.enterprises"
    verbose_name = "企业库"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from qinqing.accounts.models import STAFF_ROLES, Role
        from qinqing.core.nav import register_home_card, register_nav

        staff = [str(r) for r in STAFF_ROLES]
        officers = [Role.POLICY_OFFICER, Role.ADMIN]
        register_nav(_("Enterprises"), "enterprises:registry", staff, order=40)
        register_nav(_("My enterprise"), "enterprises:mine", [Role.ENTERPRISE], order=40)
        register_nav(_("Early warnings"), "enterprises:warnings", staff, order=41)
        register_nav(_("Enterprise import"), "enterprises:imports", officers, order=42)
        register_nav(_("Corrections"), "enterprises:corrections", officers, order=43)
        # the template lives with the accounts' cards; the query is the registry's
        register_home_card(
            "accounts/cards/enterprise.html", [Role.ENTERPRISE], order=2, context=_my_enterprise
        )
        register_home_card(
            "enterprises/cards/warnings.html",
            [Role.LEADER, Role.POLICY_OFFICER, Role.SUPERVISOR, Role.ADMIN],
            order=40,
            context=_card,
        )


def _my_enterprise(user: Any) -> dict[str, Any] | None:
    if not user.uscc:
        return None
    from qinqing.enterprises.models import Enterprise

    return {"enterprise": Enterprise.objects.filter(uscc=user.uscc).first(), "uscc": user.uscc}


def _card(user: Any) -> dict[str, Any] | None:
    from qinqing.enterprises.models import WarningStatus
    from qinqing.enterprises.selectors import (
        corrections_for_review,
        is_registry_officer,
        warnings_visible_to,
    )

    return {
        "open_warnings": warnings_visible_to(user).filter(status=WarningStatus.OPEN).count(),
        "pending_corrections": corrections_for_review(user).count()
        if is_registry_officer(user)
        else None,
    }
