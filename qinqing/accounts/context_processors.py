from typing import Any

from django.http import HttpRequest

from qinqing.accounts.permissions import is_admin, roles_of
from qinqing.core.nav import menus_for, nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = roles_of(user)
    admin = is_admin(user)
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    menus = menus_for(roles, admin)
    return {
        "nav_items": nav_for(roles, admin),
        "nav_menus": menus,
        "nav_current_group": next(
            (m.group.key for m in menus if any(i.url_name == current for i in m.items)), ""
        ),
        "user_roles": roles,
    }
