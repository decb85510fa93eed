from typing import Any

from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "qinqing.enterprises"
    verbose_name = "企业库"

    def ready(self) -> None:
        from qinqing.core.event_labels import register_event_labels

        register_event_labels(
            {
                "profile_created": "建档", "profile_changed": "档案变更",
                "qualification_recorded": "登记资质", "pool_entered": "入库",
                "pool_exited": "出库", "tags_changed": "标签变更",
                "correction_requested": "申请更正", "correction_reviewed": "更正审核",
                "warning_handled": "处理预警", "service_handled": "服务办结",
                "imported": "导入",
            }
        )  # fmt: skip
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
