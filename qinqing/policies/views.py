"""Pages: thin adapters from HTTP to selectors and services."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qinqing.accounts.models import Role
from qinqing.accounts.permissions import ensure, is_staff_member, role_required
from qinqing.core.models import Notification
from qinqing.core.notify import mark_read
from qinqing.lib.masking import mask_phone
from qinqing.policies import forms, metrics, services
from qinqing.policies.facts import facts_for
from qinqing.policies.matching import answers_for, compile_version, decide
from qinqing.policies.models import (
    Disbursement,
    GrantLine,
    MatchResult,
    MatchRun,
    Outcome,
    PolicyAttachment,
    PolicyDocument,
    PolicyItem,
    RuleStatus,
    RuleVersion,
)
from qinqing.policies.selectors import (
    access_application,
    access_batch,
    access_item,
    applications_visible_to,
    batches_visible_to,
    can_manage,
    can_see_matches,
    documents_visible_to,
    ensure_manager,
    enterprise_of,
    items_visible_to,
    published_items,
)

POLICY_KINDS = ("policy_match", "policy_grant", "policy_application")


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- library (public) -------------------------------------------------------------------


def library(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    items = published_items(query).order_by("-id")
    page = Paginator(items, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "policies/library.html",
        {"page": page, "query": query, "title": _("Policy library")},
    )


def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = access_item(request, request.user, pk)
    rule = compile_version(item.current_rule, item) if item.current_rule_id else None  # type: ignore[arg-type]
    answer = None
    enterprise = enterprise_of(request.user)
    if enterprise is not None and rule is not None:
        facts = facts_for([enterprise.pk]).get(enterprise.pk)
        answer = decide(rule, facts) if facts else None
    return render(
        request,
        "policies/item_detail.html",
        {
            "item": item,
            "title": item.title,
            "conditions": [c.describe() for c in rule.tops] if rule else [],
            "answer": answer,
            "enterprise": enterprise,
            "manage": can_manage(request.user),
            "can_apply": enterprise is not None
            and item.is_open_for_applications(timezone.localdate()),
            "attachments": item.document.attachments.all(),
        },
    )


def attachment(request: HttpRequest, pk: int) -> FileResponse:
    file = get_object_or_404(PolicyAttachment, pk=pk)
    ensure(
        documents_visible_to(request.user).filter(pk=file.document_id).exists(),
        request,
        request.user,
        "policies:attachment",
        attachment=pk,
    )
    return FileResponse(
        file.file.open("rb"), as_attachment=True, filename=file.file.name.rsplit("/", 1)[-1]
    )


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


# --- policy desk (officers; other staff read) ------------------------------------------------------


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    ensure(is_staff_member(request.user), request, request.user, "policies:desk")
    items = items_visible_to(request.user).order_by("-id")
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "policies/desk.html",
        {
            "title": _("Policy work"),
            "page": page,
            "manage": can_manage(request.user),
            "runs": MatchRun.objects.all()[:5],
            "figures": metrics.application_figures(),
            "applications": applications_visible_to(request.user).filter(
                status__in=["submitted", "approved"]
            )[:30],
            "batches": batches_visible_to(request.user)[:20],
            "documents": documents_visible_to(request.user)[:30],
        },
    )


@role_required(Role.POLICY_OFFICER)
def document_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    document = get_object_or_404(PolicyDocument, pk=pk) if pk else None
    form = forms.DocumentForm(request.POST or None, instance=document)
    if request.method == "POST" and form.is_valid():
        document = services.save_document(form.save(commit=False), actor=request.user)
        if request.FILES.get("attachment"):
            upload = request.FILES["attachment"]
            PolicyAttachment.objects.create(document=document, name=upload.name[:200], file=upload)
        messages.success(request, _("Saved."))
        return redirect("policies:desk")
    return render(
        request,
        "policies/form.html",
        {"form": form, "title": _("Policy document"), "upload": True, "document": document},
    )


@require_POST
@role_required(Role.POLICY_OFFICER)
def document_status(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    document = get_object_or_404(PolicyDocument, pk=pk)
    try:
        services.set_document_status(document, actor=request.user, action=action)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("policies:desk")


@role_required(Role.POLICY_OFFICER)
def item_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    item = get_object_or_404(PolicyItem, pk=pk) if pk else None
    form = forms.ItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        item = services.save_item(form.save(commit=False), actor=request.user)
        messages.success(request, _("Saved."))
        return redirect("policies:rule", pk=item.pk)
    return render(request, "policies/form.html", {"form": form, "title": _("Policy item")})


@require_POST
@role_required(Role.POLICY_OFFICER)
def item_status(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    item = access_item(request, request.user, pk)
    try:
        services.set_item_status(item, actor=request.user, action=action)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("policies:item", pk=pk)


@role_required(Role.POLICY_OFFICER)
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = access_item(request, request.user, pk)
    draft = item.rule_versions.filter(status=RuleStatus.DRAFT).first()
    shown = draft or item.current_rule
    tree = shown.tree if shown else None
    rows = forms.tree_to_rows(tree) if tree else []
    formset = forms.ConditionFormSet(request.POST or None, initial=rows or [], prefix="c")
    if request.method == "POST":
        tree_json = request.POST.get("tree_json", "").strip()
        try:
            if tree_json:
                try:
                    new_tree = json.loads(tree_json)
                except json.JSONDecodeError as exc:
                    raise ValidationError(
                        _("The rule is not valid JSON: %(error)s") % {"error": exc}
                    ) from None
            elif formset.is_valid():
                new_tree = forms.rows_to_tree(formset.cleaned_data)
            else:
                raise ValidationError(_("Please correct the rows marked below."))
            draft = services.draft_rule(
                item, actor=request.user, tree=new_tree, note=request.POST.get("note", "")[:200]
            )
            messages.success(request, _("Draft saved. Check its effect below before publishing."))
            return redirect("policies:rule", pk=pk)
        except ValidationError as exc:
            _errors(request, exc)
    return render(
        request,
        "policies/rule.html",
        {
            "item": item,
            "title": _("Eligibility rule"),
            "formset": formset,
            "draft": draft,
            "tree_json": json.dumps(tree, ensure_ascii=False, indent=2) if tree else "",
            "needs_file": tree is not None and rows is None,
            "versions": item.rule_versions.all(),
            "file_form": forms.RuleFileForm(),
            "effect": services.preview_rule(draft)
            if draft and request.GET.get("preview")
            else None,
            "described": [c.describe() for c in compile_version(draft, item).tops] if draft else [],
        },
    )


@require_POST
@role_required(Role.POLICY_OFFICER)
def rule_import(request: HttpRequest, pk: int) -> HttpResponse:
    item = access_item(request, request.user, pk)
    form = forms.RuleFileForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.get("file") or _("Choose a file."))
        services.import_rule(item, actor=request.user, data=form.cleaned_data["file"])
        messages.success(request, _("Imported as a draft."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("policies:rule", pk=pk)


@login_required
def rule_export(request: HttpRequest, pk: int) -> JsonResponse:
    version = get_object_or_404(RuleVersion, pk=pk)
    access_item(request, request.user, version.item_id)
    ensure(
        is_staff_member(request.user) or version.status == RuleStatus.PUBLISHED,
        request,
        request.user,
        "policies:rule_export",
    )
    response = JsonResponse(
        services.export_rule(version), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = (
        f'attachment; filename="rule-{version.item_id}-v{version.number}.json"'
    )
    return response


@require_POST
@role_required(Role.POLICY_OFFICER)
def rule_publish(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(RuleVersion, pk=pk)
    access_item(request, request.user, version.item_id)
    try:
        services.publish_rule(version, actor=request.user)
        messages.success(request, _("Published. Matching runs again in the background."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("policies:rule", pk=version.item_id)


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
        messages.success(request, _("%(n)s messages sent.") % {"n": sent})
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
            services.approve_grant_batch(batch, actor=request.user)
        elif action == "cancel":
            services.cancel_grant_batch(batch, actor=request.user)
        elif action == "remove":
            line = get_object_or_404(GrantLine, pk=request.POST.get("line"), batch=batch)
            services.remove_grant_line(
                line, actor=request.user, note=request.POST.get("note", "")[:200]
            )
        else:
            raise Http404
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("policies:batch", pk=pk)


@require_POST
@role_required(Role.POLICY_OFFICER)
def disbursement_pay(request: HttpRequest, pk: int) -> HttpResponse:
    disbursement = get_object_or_404(Disbursement, pk=pk)
    try:
        paid_on = dt.date.fromisoformat(
            request.POST.get("paid_on") or timezone.localdate().isoformat()
        )
        services.mark_disbursement_paid(disbursement, actor=request.user, paid_on=paid_on)
    except ValueError:
        messages.error(request, _("Paid on: give a date such as 2026-07-01."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(request.POST.get("next") or "policies:desk")


@require_POST
@role_required(Role.POLICY_OFFICER)
def run_start(request: HttpRequest) -> HttpResponse:
    run = services.start_full_match(actor=request.user)
    return redirect("policies:run", pk=run.pk)


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ensure(is_staff_member(request.user), request, request.user, "policies:run")
    run = get_object_or_404(MatchRun, pk=pk)
    template = "policies/_run_progress.html" if request.htmx else "policies/run.html"  # type: ignore[attr-defined]
    return render(request, template, {"run": run, "title": _("Matching run")})
