from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "qinqing.projects"
    verbose_name = _("Investment projects")

    def ready(self) -> None:
        from qinqing.accounts.models import Role
        from qinqing.catalog.hooks import register_matter_closed
        from qinqing.core.event_labels import register_event_labels
        from qinqing.core.figures import ComputedFigure, register_computed_figure
        from qinqing.core.nav import register_nav
        from qinqing.core.panels import register_enterprise_panel
        from qinqing.projects import cards, figures, tasks  # noqa: F401  (tasks: periodic)
        from qinqing.projects.events import EVENT_LABELS

        staff = [Role.HANDLER, Role.DEPT_HEAD, Role.LEADER, Role.SUPERVISOR]
        register_nav(_("Project pool"), "projects:pool", roles=staff, order=45, group="enterprises")
        register_nav(
            _("Approval chain figures"),
            "projects:figures",
            roles=staff,
            order=46,
            group="analytics",
        )
        register_nav(_("My projects"), "projects:mine", roles=[Role.ENTERPRISE], order=46)
        register_enterprise_panel("projects/panel.html", cards.enterprise_panel, order=55)
        register_event_labels(EVENT_LABELS)
        register_matter_closed(cards.matter_closed)
        register_computed_figure(
            ComputedFigure(
                figures.STEP_ON_TIME,
                figures.STEP_ON_TIME_LABEL,
                figures.step_on_time_by_unit,
                figures.STEP_ON_TIME_DEFINITION,
                "projects",
                drill=figures.step_on_time_drill,
            )
        )
