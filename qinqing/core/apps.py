from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "qinqing.core"
    verbose_name = "核心"

    def ready(self) -> None:
        from django.contrib import admin
        from django.db.models.signals import post_migrate
        from django.utils.translation import gettext_lazy as _

        from qinqing.core import signals  # noqa: F401  (connects the login audit receivers)
        from qinqing.core.append_only import install_after_migrate
        from qinqing.core.i18n import translate_framework_labels, translate_generated_names

        # SQLite: append-only triggers on every audit and event table (PostgreSQL: migration)
        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="append_only")
        translate_generated_names()
        translate_framework_labels()

        admin.site.site_header = _("qinqing back office")
        admin.site.site_title = _("qinqing")
        admin.site.index_title = _("Back-office data")
