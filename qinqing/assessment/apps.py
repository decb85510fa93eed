from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "qinqing.assessment"
    verbose_name = "考核评价"

    def ready(self) -> None:
        from qinqing.accounts.models import Role
        from qinqing.core.nav import register_nav

        register_nav(
            _("Assessment"),
            "assessment:ranking",
            (Role.LEADER, Role.SUPERVISOR, Role.DEPT_HEAD, Role.ADMIN),
            order=70,
        )
