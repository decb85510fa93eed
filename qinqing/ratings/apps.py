from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "qinqing.ratings"
    verbose_name = "好差评"

    def ready(self) -> None:
        from qinqing.core.event_labels import register_event_labels

        register_event_labels(
            {
                "rated": "评价", "rectification_opened": "差评整改立案",
                "contest_filed": "提出申诉", "contest_decided": "申诉复核",
                "verified": "已核实", "rectified": "已整改", "closed": "已办结",
                "void": "作废", "open": "待核实", "pending": "待复核",
                "accepted": "申诉成立", "rejected": "未通过", "5": "非常满意", "4": "满意",
                "3": "基本满意", "2": "不满意", "1": "非常不满意",
            }
        )  # fmt: skip
        from qinqing.accounts.models import Role
        from qinqing.core.nav import register_home_card, register_nav
        from qinqing.ratings import figures, listeners

        figures.register()
        listeners.register()

        staff = (Role.SUPERVISOR, Role.LEADER, Role.HANDLER, Role.DEPT_HEAD)
        register_nav(_("Ratings"), "ratings:list", staff, order=60)
        # Everyone may have been served (observers hold no staff role): the page is personal.
        register_nav(_("My ratings"), "ratings:mine", (), order=61)
        register_nav(_("Observers"), "ratings:observers", (Role.SUPERVISOR, Role.LEADER), order=62)
        register_home_card("ratings/cards/ratings.html", (*staff, Role.ADMIN), 60, _staff_card)
        register_home_card("ratings/cards/mine.html", (Role.ENTERPRISE,), 61, _mine_card)
        from qinqing.ratings.sources import catalog as catalog_source  # 办件 → 好差评

        catalog_source.register()


def _staff_card(user: Any) -> dict[str, Any] | None:
    from qinqing.ratings.views import staff_home

    return staff_home(user)


def _mine_card(user: Any) -> dict[str, Any] | None:
    from qinqing.ratings.selectors import events_to_rate

    return {"to_rate": events_to_rate(user).count()}
