from typing import Any

from django.http import HttpRequest

from qinqing.accounts.permissions import is_admin, roles_of
from qinqing.core.nav import nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = roles_of(user)
    return {"nav_items": nav_for(roles, is_admin(user)), "user_roles": roles}
