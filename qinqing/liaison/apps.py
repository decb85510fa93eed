from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "qinqing.liaison"
    verbose_name = _("Liaison and stationed cadres")

    def ready(self) -> None:
        from qinqing.accounts.models import Role
        from qinqing.appeals.hooks import register_intake_delegate
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
        from qinqing.liaison.selectors import may_file_appeal_for

        # a cadre's difficulty becomes an appeal without an intake operator's click
        register_intake_delegate(may_file_appeal_for)
        from django.urls import reverse

        from qinqing.core.figures import ComputedFigure, register_computed_figure
        from qinqing.liaison import figures

        register_computed_figure(
            ComputedFigure(
                "liaison_stay_score",
                "驻企干部企业评分",
                figures.stay_score_by_department,
                "企业对本单位驻企干部的评分（满分 100）的平均值除以 100，按评分时间计入期间。",
                "liaison",
                lambda department_id, start, end: reverse("liaison:rounds"),
            )
        )
        register_computed_figure(
            ComputedFigure(
                "liaison_visit_rate",
                "包联企业走访覆盖率",
                figures.visit_rate_by_department,
                "本单位包联的企业中，期间内至少走访一次的企业所占比例。",
                "liaison",
                lambda department_id, start, end: reverse("liaison:coverage"),
            )
        )
