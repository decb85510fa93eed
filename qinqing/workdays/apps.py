from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "qinqing.workdays"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from qinqing.accounts.models import Role
        from qinqing.core.nav import register_nav

        register_nav(_("Holiday calendar"), "workdays:current", roles=[Role.ADMIN], order=880)
