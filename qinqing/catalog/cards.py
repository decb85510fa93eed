"""Navigation, home cards and the enterprise-page panel of the catalog (AppConfig.ready)."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qinqing.accounts.models import Role
from qinqing.accounts.permissions import enterprise_uscc
from qinqing.core.nav import register_home_card, register_nav
from qinqing.core.panels import register_enterprise_panel

STAFF = (Role.HANDLER, Role.DEPT_HEAD, Role.INTAKE_OPERATOR)
OVERSIGHT = (Role.SUPERVISOR, Role.LEADER)


def _worklist_card(user: Any) -> dict[str, Any] | None:
    from qinqing.catalog.worklist import worklist_counts

    return worklist_counts(user)


def _mine_card(user: Any) -> dict[str, Any] | None:
    from qinqing.catalog.models import OPEN_MATTER
    from qinqing.catalog.selectors import matters_visible_to

    return {"open": matters_visible_to(user).filter(status__in=OPEN_MATTER).count()}


def _enterprise_panel(user: Any, enterprise: Any) -> dict[str, Any] | None:
    from qinqing.catalog.selectors import certificates_visible_to, matters_visible_to

    matters = matters_visible_to(user).filter(enterprise=enterprise).select_related("item")[:20]
    certificates = certificates_visible_to(user, enterprise).order_by("kind")[:30]
    return {
        "matters": list(matters),
        "certificates": list(certificates),
        "today": timezone.localdate(),
        "own": enterprise_uscc(user) == enterprise.uscc,
    }


def register() -> None:
    register_nav(_("Service catalog"), "catalog:index", (), order=30)
    register_nav(_("My matters"), "catalog:mine", (Role.ENTERPRISE,), order=31)
    register_nav(_("My certificates"), "catalog:certificates", (Role.ENTERPRISE,), order=32)
    register_nav(_("Matter worklist"), "catalog:worklist", STAFF, order=33)
    register_nav(_("Catalog figures"), "catalog:figures", (*OVERSIGHT, Role.DEPT_HEAD), order=34)
    register_nav(
        _("Approval watch"), "catalog:watch", (*OVERSIGHT, Role.DEPT_HEAD, Role.HANDLER), order=35
    )
    register_home_card(
        "catalog/cards/worklist.html", (Role.HANDLER, Role.DEPT_HEAD), 33, _worklist_card
    )
    register_home_card("catalog/cards/mine.html", (Role.ENTERPRISE,), 31, _mine_card)
    register_enterprise_panel("catalog/panels/enterprise.html", order=50, context=_enterprise_panel)
