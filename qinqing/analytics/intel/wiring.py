"""Start-up wiring of the intelligence part, called once from AnalyticsConfig.ready(): navigation,
the intake advisor, the listener that checks a registered appeal's category against the
routing suggestion (an appeals timeline listener, not a model signal), tasks and admin."""

from typing import Any

from django.utils.translation import gettext_lazy as _


def intake_advisor(title: str, text: str, enterprise: Any, division: Any) -> dict[str, Any]:
    """The appeals intake hook: top-3 categories with the routed department, and likely
    duplicates with why (see qinqing/appeals/hooks.py for the contract)."""
    from qinqing.accounts.models import Organisation
    from qinqing.analytics.intel import duplicates, routing

    org = (
        division
        if isinstance(division, Organisation) or division is None
        else (Organisation.objects.filter(pk=division).first())
    )
    return {
        "suggestions": routing.suggest(title, text, org),
        "duplicates": duplicates.advisor_duplicate_details(title, text, enterprise, org),
    }


def appeal_registered(event_id: int, *, appeal_id: int, category_id: int | None) -> None:
    """After an appeal is registered (its "registered" timeline row, announced after
    commit): registration is where the operator confirms or overrides the suggested
    category, so compare them in the queue; intake never waits for the model. An appeal
    registered without a category has nothing to compare (no query at all)."""
    from qinqing.analytics.intel.models import RouterVersion
    from qinqing.analytics.intel.tasks import record_routing_correction_task

    if category_id is None or not RouterVersion.objects.filter(is_active=True).exists():
        return
    record_routing_correction_task(appeal_id)


def setup() -> None:
    from qinqing.accounts.models import Role
    from qinqing.analytics.intel import admin, tasks  # noqa: F401  registers admin, tasks
    from qinqing.appeals.hooks import register_event_listener, register_intake_advisor
    from qinqing.core.nav import register_nav

    register_intake_advisor(intake_advisor)
    register_event_listener("registered", appeal_registered)
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
