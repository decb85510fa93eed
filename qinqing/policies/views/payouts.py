"""The policy desk's matching and money: matches, pushes, grant batches, disbursements, runs."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qinqing.accounts.models import Role
from qinqing.accounts.permissions import ensure, is_staff_member, role_required
from qinqing.lib.masking import mask_phone
from qinqing.policies import forms, services
from qinqing.policies.facts import facts_for
from qinqing.policies.matching import compile_version, decide
from qinqing.policies.models import (
    Disbursement,
    GrantLine,
    MatchResult,
    MatchRun,
    Outcome,
)
from qinqing.policies.selectors import (
    access_batch,
    access_item,
    can_manage,
    can_see_matches,
)
from qinqing.policies.views.common import _errors, back_to


@login_required
def item_matches(request: HttpRequest, pk: int) -> HttpResponse:
    item = access_item(request, request.user, pk)
    ensure(
        can_see_matches(request.user, item), request, request.user, "policies:item_matches", item=pk
    )
    outcome = request.GET.get("outcome", Outcome.ELIGIBLE)
    results = (
        MatchResult.objects.filter(item=item, outcome=outcome)
        .select_related("enterprise")
        .order_by("enterprise__name")
    )
    page = Paginator(results, 50).get_page(request.GET.get("page"))
    rows = []
    compiled = compile_version(item.current_rule, item) if item.current_rule_id else None  # type: ignore[arg-type]
    facts = (
        facts_for([r.enterprise_id for r in page])
        if compiled and outcome != Outcome.ELIGIBLE
        else {}
    )
    for result in page:
        answer = (
            decide(compiled, facts[result.enterprise_id])
            if result.enterprise_id in facts and compiled
            else None
        )
        reasons = [r.text for r in (answer.failing + answer.unknown)] if answer else []
        rows.append(
            {
                "result": result,
                "phone": mask_phone(result.enterprise.contact_phone),
                "reasons": reasons,
            }
        )
    counts = dict(
        MatchResult.objects.filter(item=item)
        .values_list("outcome")
        .annotate(n=Count("enterprise_id"))
    )
    return render(
        request,
        "policies/matches.html",
        {
            "item": item,
            "title": _("Enterprises for this item"),
            "page": page,
            "rows": rows,
            "outcome": outcome,
            "manage": can_manage(request.user),
            "tabs": [
                (code, label, counts.get(code, 0))
                for code, label in Outcome.choices
                if code != Outcome.INELIGIBLE
            ],
            "batch_form": forms.BatchForm(initial={"period": item.period, "key": uuid.uuid4().hex}),
        },
    )


@require_POST
@role_required(Role.POLICY_OFFICER)
def item_push(request: HttpRequest, pk: int) -> HttpResponse:
    item = access_item(request, request.user, pk)
    try:
        sent = services.push_item(item, actor=request.user)
        messages.success(
            request,
            _("Told %(n)s eligible enterprise(s) about “%(title)s”.")
            % {"n": sent, "title": item.title},
        )
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("policies:matches", pk=pk)


@require_POST
@role_required(Role.POLICY_OFFICER)
def batch_create(request: HttpRequest, pk: int) -> HttpResponse:
    item = access_item(request, request.user, pk)
    form = forms.BatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the award period, e.g. 2025."))
        return redirect("policies:matches", pk=pk)
    try:
        batch = services.create_grant_batch(
            item,
            actor=request.user,
            period=form.cleaned_data["period"],
            idempotency_key=form.cleaned_data["key"][:64],
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("policies:matches", pk=pk)
    included = batch.lines.filter(status=GrantLine.Status.INCLUDED).count()
    messages.success(
        request,
        _(
            "Prepared the %(period)s grant list: %(n)s enterprise(s), %(total)s (10k yuan) in "
            "total. Another policy officer approves it."
        )
        % {"period": batch.period, "n": included, "total": batch.total},
    )
    return redirect("policies:batch", pk=batch.pk)


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access_batch(request, request.user, pk)
    lines = batch.lines.select_related("enterprise").order_by("status", "enterprise__name")
    return render(
        request,
        "policies/batch.html",
        {
            "batch": batch,
            "title": _("Grant list"),
            "lines": lines,
            "manage": can_manage(request.user),
            "disbursements": Disbursement.objects.filter(grant_line__batch=batch).select_related(
                "enterprise"
            ),
        },
    )


@require_POST
@role_required(Role.POLICY_OFFICER)
def batch_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    batch = access_batch(request, request.user, pk)
    try:
        if action == "approve":
            batch = services.approve_grant_batch(batch, actor=request.user)
            done = _(
                "Approved the grant list: %(n)s payment(s) of %(total)s (10k yuan) in total "
                "to be made; the enterprises have been told."
            ) % {"n": batch.lines.filter(disbursement__isnull=False).count(), "total": batch.total}
        elif action == "cancel":
            services.cancel_grant_batch(batch, actor=request.user)
            done = _("Cancelled the %(period)s grant list.") % {"period": batch.period}
        elif action == "remove":
            line = get_object_or_404(GrantLine, pk=request.POST.get("line"), batch=batch)
            services.remove_grant_line(
                line, actor=request.user, note=request.POST.get("note", "")[:200]
            )
            done = _("Removed %(enterprise)s from the grant list.") % {
                "enterprise": line.enterprise.name
            }
        else:
            raise Http404
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, done)
    return redirect("policies:batch", pk=pk)


@require_POST
@role_required(Role.POLICY_OFFICER)
def disbursement_pay(request: HttpRequest, pk: int) -> HttpResponse:
    disbursement = get_object_or_404(Disbursement, pk=pk)
    try:
        paid_on = dt.date.fromisoformat(
            request.POST.get("paid_on") or timezone.localdate().isoformat()
        )
        disbursement = services.mark_disbursement_paid(
            disbursement, actor=request.user, paid_on=paid_on
        )
    except ValueError:
        messages.error(request, _("Paid on: give a date such as 2026-07-01."))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("Recorded the payment of %(amount)s (10k yuan) to %(enterprise)s on %(on)s.")
            % {
                "amount": disbursement.amount,
                "enterprise": disbursement.enterprise.name,
                "on": date_format(disbursement.paid_on),
            },
        )
    return back_to(request, "policies:desk")


@require_POST
@role_required(Role.POLICY_OFFICER)
def run_start(request: HttpRequest) -> HttpResponse:
    run = services.start_full_match(actor=request.user)
    return redirect("policies:run", pk=run.pk)


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ensure(is_staff_member(request.user), request, request.user, "policies:run")
    run = get_object_or_404(MatchRun, pk=pk)
    parts = list(run.parts.all()) if run.shards > 1 else []
    template = "policies/_run_progress.html" if request.htmx else "policies/run.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "run": run,
            "parts": parts,
            "parts_done": sum(p.status == MatchRun.Status.DONE for p in parts),
            "title": _("Matching run"),
        },
    )
