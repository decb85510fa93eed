from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "qinqing.assessment"
    verbose_name = "考核评价"

    def ready(self) -> None:
        from qinqing.accounts.models import Role
        from qinqing.assessment import cards, tasks  # noqa: F401  (tasks: monthly freezing)
        from qinqing.core.nav import register_home_card, register_nav

        roles = (Role.LEADER, Role.SUPERVISOR, Role.DEPT_HEAD, Role.ADMIN)
        register_nav(_("Assessment"), "assessment:ranking", roles, order=70)
        register_home_card(
            "assessment/cards/latest.html", roles, order=70, context=cards.latest_card
        )
