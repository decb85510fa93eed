from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "qinqing.catalog"
    verbose_name = "政务服务事项"

    def ready(self) -> None:
        from qinqing.catalog import cards, figures, tasks  # noqa: F401  (tasks: the watch sweep)

        cards.register()
        from qinqing.catalog.events import EVENT_LABELS
        from qinqing.core.event_labels import register_event_labels

        register_event_labels(EVENT_LABELS)
        figures.register_figures()
        from qinqing.catalog.selectors import store_lookup
        from qinqing.core.material_store import register_certificate_lookup

        register_certificate_lookup(store_lookup)  # policy applications ask materials once
