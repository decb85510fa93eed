from typing import Any

from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "qinqing.workdays"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from qinqing.accounts.models import Role
        from qinqing.core.nav import register_home_card, register_nav

        register_nav(_("Holiday calendar"), "workdays:current", roles=[Role.ADMIN], order=880)
        # the template stays where it was written (accounts/cards/calendar.html)
        register_home_card(
            "accounts/cards/calendar.html", [Role.ADMIN], order=5, context=calendar_card
        )


def calendar_card(user: Any) -> dict[str, Any]:
    from qinqing.workdays.services import get_calendar, pending_fallback_years

    calendar = get_calendar()
    from django.utils import timezone

    this_year = timezone.localdate().year
    return {
        "fallbacks": pending_fallback_years(),
        "next_year": this_year + 1,
        "next_year_known": calendar.knows_year(this_year + 1),
    }
