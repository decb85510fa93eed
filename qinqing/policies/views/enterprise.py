"""Enterprise pages: matches and notices, materials, applications."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qinqing.accounts.models import Role
from qinqing.accounts.permissions import ensure, role_required
from qinqing.core.models import Notification
from qinqing.core.notify import mark_read
from qinqing.policies import forms, services
from qinqing.policies.matching import answers_for
from qinqing.policies.models import (
    Disbursement,
    Outcome,
    PolicyItem,
)
from qinqing.policies.selectors import (
    access_application,
    access_item,
    applications_visible_to,
    can_manage,
    ensure_manager,
    enterprise_of,
)
from qinqing.policies.views.common import POLICY_KINDS, _errors

# --- enterprise ---------------------------------------------------------------------------


@role_required(Role.ENTERPRISE)
def mine(request: HttpRequest) -> HttpResponse:
    enterprise = enterprise_of(request.user)
    if enterprise is None:
        raise Http404
    answers = [a for a in answers_for(enterprise.pk) if a.outcome != Outcome.INELIGIBLE]
    items = PolicyItem.objects.in_bulk([a.item_id for a in answers])
    grouped = {
        code: [(items[a.item_id], a) for a in answers if a.outcome == code]
        for code in (Outcome.ELIGIBLE, Outcome.ALMOST, Outcome.UNKNOWN)
    }
    notes = Notification.objects.filter(recipient=request.user, kind__in=POLICY_KINDS)[:20]
    return render(
        request,
        "policies/mine.html",
        {
            "title": _("My policies"),
            "enterprise": enterprise,
            "grouped": grouped,
            "notes": notes,
            "applications": applications_visible_to(request.user)[:50],
            "disbursements": Disbursement.objects.filter(enterprise=enterprise).select_related(
                "item"
            )[:50],
            "material_form": forms.MaterialForm(),
        },
    )


@require_POST
@login_required
def read_notification(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    mark_read(note, user=request.user)
    return redirect(note.url or "policies:mine")


@require_POST
@role_required(Role.ENTERPRISE)
def upload_material(request: HttpRequest) -> HttpResponse:
    enterprise = enterprise_of(request.user)
    if enterprise is None:
        raise Http404
    form = forms.MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        services.save_material(
            enterprise,
            actor=request.user,
            material_type=form.cleaned_data["material_type"],
            file=form.cleaned_data["file"],
            valid_to=form.cleaned_data["valid_to"],
        )
        messages.success(request, _("The material is on file and will be reused."))
    else:
        for field, errors in form.errors.items():
            messages.error(
                request,
                f"{form.fields[field].label if field in form.fields else ''}：{'；'.join(errors)}",
            )
    return redirect(request.POST.get("next") or "policies:mine")


@role_required(Role.ENTERPRISE)
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    item = access_item(request, request.user, pk)
    enterprise = enterprise_of(request.user)
    if enterprise is None:
        raise Http404
    if request.method == "POST":
        try:
            application = services.submit_application(
                item,
                actor=request.user,
                enterprise=enterprise,
                idempotency_key=request.POST.get("key", "")[:64] or uuid.uuid4().hex,
                note=request.POST.get("note", "")[:2000],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Your application has been submitted."))
            return redirect("policies:application", pk=application.pk)
    checklist = services.material_checklist(item, enterprise, timezone.localdate())
    return render(
        request,
        "policies/apply.html",
        {
            "item": item,
            "title": _("Apply"),
            "checklist": checklist,
            "key": uuid.uuid4().hex,
            "material_form": forms.MaterialForm(),
            "open": item.is_open_for_applications(timezone.localdate()),
        },
    )


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = access_application(request, request.user, pk)
    return render(
        request,
        "policies/application.html",
        {
            "application": application,
            "title": _("Application"),
            "manage": can_manage(request.user),
            "own": enterprise_of(request.user) is not None,
            "form": forms.DecisionForm(),
            "events": application.events.select_related("actor"),
            "disbursement": Disbursement.objects.filter(application=application).first(),
        },
    )


@require_POST
@login_required
def application_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    officer_actions = {"return", "approve", "reject"}
    enterprise_actions = {"resubmit", "withdraw"}
    if action not in officer_actions | enterprise_actions:
        raise Http404
    form = forms.DecisionForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note") or ""
    try:
        with transaction.atomic():
            application = access_application(request, request.user, pk, for_update=True)
            if action in officer_actions:
                ensure_manager(request, request.user, f"policies:application_{action}")
            else:
                ensure(
                    enterprise_of(request.user) == application.enterprise,
                    request,
                    request.user,
                    f"policies:application_{action}",
                )
            if action == "return":
                services.return_application(application, actor=request.user, note=note)
            elif action == "approve":
                services.approve_application(
                    application,
                    actor=request.user,
                    amount=form.cleaned_data.get("amount"),
                    note=note,
                )
            elif action == "reject":
                services.reject_application(application, actor=request.user, note=note)
            elif action == "resubmit":
                services.resubmit_application(application, actor=request.user, note=note)
            else:
                services.withdraw_application(application, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("policies:application", pk=pk)
