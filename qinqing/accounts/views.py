from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from qinqing.accounts.forms import LoginForm
from qinqing.accounts.models import Role
from qinqing.accounts.permissions import is_admin, roles_of
from qinqing.core.nav import cards_for

ROLE_ORDER = [
    Role.ADMIN,
    Role.LEADER,
    Role.SUPERVISOR,
    Role.INTAKE_OPERATOR,
    Role.DEPT_HEAD,
    Role.HANDLER,
    Role.POLICY_OFFICER,
    Role.ENTERPRISE,
]


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    roles = roles_of(user)
    admin = is_admin(user)
    cards: list[dict[str, Any]] = []
    for card in cards_for(roles, admin):
        context = card.context(user)
        if context is not None:
            cards.append({"template": card.template, **context})
    role_names = [Role(r).label for r in ROLE_ORDER if r in roles]
    return render(
        request,
        "accounts/home.html",
        {"cards": cards, "role_names": role_names, "title": _("Home")},
    )
