from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "qinqing.catalog"
    verbose_name = "政务服务事项"

    def ready(self) -> None:
        from qinqing.catalog import cards, tasks  # noqa: F401  (tasks: periodic watch sweep)

        cards.register()
