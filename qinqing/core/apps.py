from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "qinqing.core"
    verbose_name = "核心"

    def ready(self) -> None:
        from qinqing.core import signals  # noqa: F401  (connects the login audit receivers)
