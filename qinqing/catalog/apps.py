from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "qinqing.catalog"
    verbose_name = "政务服务事项"

    def ready(self) -> None:
        from qinqing.catalog import cards, figures, tasks  # noqa: F401  (tasks: the watch sweep)

        cards.register()
        figures.register_figures()
