from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "qinqing.liaison"
    verbose_name = _("Liaison and stationed cadres")

    def ready(self) -> None:
        from qinqing.accounts.models import Role
        from qinqing.core.nav import register_home_card, register_nav
        from qinqing.core.panels import register_enterprise_panel
        from qinqing.liaison import cards, tasks  # noqa: F401  (tasks: periodic reminders)

        staff = [Role.CADRE, Role.HANDLER, Role.DEPT_HEAD, Role.LEADER, Role.SUPERVISOR]
        register_nav(_("Liaison"), "liaison:home", roles=staff, order=50)
        register_nav(_("My cadres"), "liaison:my_cadres", roles=[Role.ENTERPRISE], order=51)
        register_nav(_("Activities"), "liaison:activities", order=52)
        register_home_card(
            "liaison/cards/cadre.html",
            [Role.CADRE, Role.HANDLER, Role.DEPT_HEAD, Role.LEADER],
            order=40,
            context=cards.cadre_card,
        )
        register_enterprise_panel("liaison/panel.html", cards.enterprise_panel, order=60)
        if apps.is_installed("qinqing.assessment"):
            # Registration only: assessment reads these figures by name.
            from qinqing.assessment.figures import register_figure
            from qinqing.liaison import figures

            register_figure("liaison_stay_score", _("Enterprise score of stationed cadres"))(
                figures.stay_score_by_department
            )
            register_figure("liaison_visit_rate", _("Share of liaison enterprises visited"))(
                figures.visit_rate_by_department
            )
