from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "qinqing.analytics"
    verbose_name = "分析与驾驶舱"

    def ready(self) -> None:
        from qinqing.accounts.models import Role
        from qinqing.analytics import cockpit_tasks  # noqa: F401  registers the periodic tasks
        from qinqing.core.nav import register_nav

        register_nav(
            _("Cockpit"),
            "analytics:cockpit",
            (Role.LEADER, Role.SUPERVISOR, Role.DEPT_HEAD, Role.ADMIN),
            order=20,
        )

        from qinqing.analytics import intel_setup  # issue 8: routing, hot spots, warnings

        intel_setup.setup()
