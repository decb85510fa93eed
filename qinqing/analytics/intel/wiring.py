"""Start-up wiring of the intelligence part, called once from AnalyticsConfig.ready(): navigation,
the intake advisor, the correction signal, tasks and admin."""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def intake_advisor(title: str, text: str, enterprise: Any, division: Any) -> dict[str, Any]:
    """The appeals intake hook: top-3 categories with the routed department, and the ids
    of likely duplicates (see qinqing/appeals/hooks.py for the contract)."""
    from qinqing.accounts.models import Organisation
    from qinqing.analytics.intel import duplicates, routing

    org = (
        division
        if isinstance(division, Organisation) or division is None
        else (Organisation.objects.filter(pk=division).first())
    )
    return {
        "suggestions": routing.suggest(title, text, org),
        "duplicates": duplicates.advisor_duplicates(title, text, enterprise, org),
    }


def _appeal_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    # Registration is where the operator confirms or overrides the suggested category;
    # the comparison runs in the queue after commit so intake never waits for the model.
    if not created or instance.category_id is None:
        return
    from qinqing.analytics.intel.models import RouterVersion
    from qinqing.analytics.intel.tasks import record_routing_correction_task

    if not RouterVersion.objects.filter(is_active=True).exists():
        return
    appeal_id = instance.pk
    transaction.on_commit(lambda: record_routing_correction_task(appeal_id))


def setup() -> None:
    from qinqing.accounts.models import Role
    from qinqing.analytics.intel import admin, tasks  # noqa: F401  registers admin, tasks
    from qinqing.appeals.hooks import register_intake_advisor
    from qinqing.appeals.models import Appeal
    from qinqing.core.nav import register_nav

    register_intake_advisor(intake_advisor)
    post_save.connect(_appeal_saved, sender=Appeal, dispatch_uid="analytics_routing_correction")
    oversight = (Role.LEADER, Role.SUPERVISOR, Role.ADMIN)
    register_nav(_("Hot spots"), "analytics:hotspots", oversight, order=21)
    register_nav(
        _("Monthly topics"),
        "analytics:monthly_topics",
        (*oversight, Role.HANDLER, Role.DEPT_HEAD),
        order=22,
    )
    register_nav(
        _("Seasonal warnings"),
        "analytics:seasonal_warnings",
        (*oversight, Role.HANDLER, Role.DEPT_HEAD),
        order=23,
    )
