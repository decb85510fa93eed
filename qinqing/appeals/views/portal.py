"""The enterprise portal: my appeals and a new appeal."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qinqing.accounts.permissions import deny, enterprise_uscc
from qinqing.appeals import forms, selectors, services
from qinqing.appeals.models import (
    Channel,
)
from qinqing.appeals.views.common import _error_text, _form_errors, _page
from qinqing.enterprises.models import Enterprise


# --- enterprise portal ----------------------------------------------------------------
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    if not enterprise_uscc(request.user):
        raise deny(request, request.user, "appeals:mine")
    qs = (
        selectors.appeals_visible_to(request.user)
        .filter(Q(enterprise__uscc=enterprise_uscc(request.user)) | Q(created_by=request.user))
        .select_related("category")
        .order_by("-created_at", "-id")
    )
    rows, page, has_next = _page(qs, request)
    return render(
        request,
        "appeals/mine.html",
        {"rows": rows, "page": page, "has_next": has_next, "title": _("My appeals")},
    )


@login_required
def new(request: HttpRequest) -> HttpResponse:
    if not enterprise_uscc(request.user):
        raise deny(request, request.user, "appeals:new")
    enterprise = Enterprise.objects.filter(uscc=enterprise_uscc(request.user)).first()
    form = forms.PortalAppealForm(request.POST or None, request.FILES or None)
    if request.method == "GET":
        form = forms.PortalAppealForm(
            initial={
                "idempotency_key": uuid.uuid4().hex,
                "requester_name": request.user.full_name,
                "requester_phone": request.user.phone,
                "address": enterprise.address if enterprise else "",
            }
        )
    elif form.is_valid():
        data = form.cleaned_data
        try:
            appeal, _created = services.register_appeal(
                services.IntakeInput(
                    channel=Channel.PORTAL,
                    appeal_type=data["type"],
                    category=data["category"],
                    title=data["title"],
                    description=data["description"],
                    enterprise=enterprise,
                    requester_name=data["requester_name"],
                    requester_phone=data["requester_phone"],
                    address=data["address"],
                    idempotency_key=data["idempotency_key"],
                    files=data["attachments"],
                ),
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(
                request,
                gettext("Your appeal %(number)s has been registered.") % {"number": appeal.number},
            )
            return redirect("appeals:detail", pk=appeal.pk)
    else:
        messages.error(request, _form_errors(form))
    return render(request, "appeals/new.html", {"form": form, "title": _("Raise an appeal")})
