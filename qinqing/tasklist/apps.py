from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class TasklistConfig(AppConfig):
    name = "qinqing.tasklist"
    label = "tasklist"
    verbose_name = pgettext_lazy("tasklist", "Business-environment task list")

    def ready(self) -> None:
        from qinqing.accounts.models import Role
        from qinqing.core.event_labels import register_event_labels
        from qinqing.core.figures import ComputedFigure, register_computed_figure
        from qinqing.core.nav import register_home_card, register_nav
        from qinqing.tasklist import cards, figures, tasks  # noqa: F401  (tasks: periodic sweeps)
        from qinqing.tasklist.events import EVENT_LABELS

        units = [Role.HANDLER, Role.DEPT_HEAD, Role.CADRE]
        overseers = [Role.SUPERVISOR, Role.LEADER]
        register_nav(
            pgettext_lazy("tasklist", "Indicators and tasks"),
            "tasklist:home",
            roles=overseers,
            order=45,
            group="ratings",
        )
        register_nav(
            pgettext_lazy("tasklist", "My tasks"),
            "tasklist:mine",
            roles=units,
            order=45,
            group="ratings",
        )
        register_nav(
            pgettext_lazy("tasklist", "Inspection findings"),
            "tasklist:findings",
            roles=[*units, *overseers],
            order=46,
            group="ratings",
        )
        register_nav(
            pgettext_lazy("tasklist", "Monthly task report"),
            "tasklist:monthly",
            roles=overseers,
            order=47,
            group="ratings",
        )
        register_home_card("tasklist/cards/mine.html", units, order=45, context=cards.unit_card)
        register_event_labels(EVENT_LABELS)
        register_computed_figure(
            ComputedFigure(
                "task_on_time_rate",
                "任务按期完成率",
                figures.task_on_time_by_unit,
                "本单位负责（牵头或责任单位）、完成时限在期间内的营商环境任务中，"
                "在时限内报送完成的比例（已撤销的任务不计）。",
                "tasklist",
                drill=figures.tasks_drill,
            )
        )
        register_computed_figure(
            ComputedFigure(
                "finding_rectified_on_time_rate",
                "巡察督查问题按期整改率",
                figures.finding_on_time_by_unit,
                "针对本单位、整改时限在期间内的专项巡察、暗访和督查问题中，"
                "整改经验收通过且整改报告在时限内报送的比例。",
                "tasklist",
                drill=figures.findings_drill,
            )
        )
