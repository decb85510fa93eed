from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "qinqing.appeals"
    verbose_name = "诉求办理"

    def ready(self) -> None:
        from qinqing.appeals import cards, figures, tasks  # noqa: F401  (tasks: periodic sweep)

        cards.register()
        figures.register()
