from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "qinqing.analytics"
    verbose_name = "分析与驾驶舱"

    def ready(self) -> None:
        from qinqing.accounts.models import Role
        from qinqing.analytics.cockpit import tasks  # noqa: F401  registers the periodic tasks
        from qinqing.core.nav import register_nav

        register_nav(
            _("Cockpit"),
            "analytics:cockpit",
            (Role.LEADER, Role.SUPERVISOR, Role.DEPT_HEAD, Role.ADMIN),
            order=20,
        )

        from qinqing.analytics.intel import wiring  # routing, hot spots, warnings

        wiring.setup()
