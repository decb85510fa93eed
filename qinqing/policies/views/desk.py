"""The policy desk (officers; other staff read): documents, items, rules."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qinqing.accounts.models import Role
from qinqing.accounts.permissions import ensure, is_staff_member, role_required
from qinqing.policies import forms, metrics, services
from qinqing.policies.guide import document_progress
from qinqing.policies.matching import compile_version
from qinqing.policies.models import (
    MatchRun,
    PolicyDocument,
    PolicyItem,
    RuleStatus,
    RuleVersion,
)
from qinqing.policies.selectors import (
    access_item,
    applications_visible_to,
    batches_visible_to,
    can_manage,
    documents_visible_to,
    items_visible_to,
)
from qinqing.policies.views.common import _errors, back_to

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
        document = services.save_document(
            form.save(commit=False), actor=request.user, attachment=request.FILES.get("attachment")
        )
        messages.success(
            request,
            _("Saved the document “%(title)s”; next, add its items.") % {"title": document.title},
        )
        return redirect("policies:guide", pk=document.pk)
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
        document = services.set_document_status(document, actor=request.user, action=action)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("The document “%(title)s” is now %(status)s.")
            % {"title": document.title, "status": document.get_status_display()},
        )
    return back_to(request, "policies:desk")


@role_required(Role.POLICY_OFFICER)
def item_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    item = get_object_or_404(PolicyItem, pk=pk) if pk else None
    initial = {"document": request.GET.get("document")} if item is None else None
    form = forms.ItemForm(request.POST or None, instance=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        item = services.save_item(form.save(commit=False), actor=request.user)
        messages.success(
            request,
            _("Saved the item “%(title)s”; next, write who qualifies.") % {"title": item.title},
        )
        return redirect("policies:rule", pk=item.pk)
    return render(request, "policies/form.html", {"form": form, "title": _("Policy item")})


@require_POST
@role_required(Role.POLICY_OFFICER)
def item_status(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    item = access_item(request, request.user, pk)
    try:
        item = services.set_item_status(item, actor=request.user, action=action)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("The item “%(title)s” is now %(status)s; matching runs again in the background.")
            % {"title": item.title, "status": item.get_status_display()},
        )
    return back_to(request, "policies:item", pk)


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
            messages.success(
                request,
                _(
                    "Saved draft version %(n)s of the rule for “%(title)s”. Check its effect "
                    "below before publishing."
                )
                % {"n": draft.number, "title": item.title},
            )
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
        draft = services.import_rule(item, actor=request.user, data=form.cleaned_data["file"])
        messages.success(
            request,
            _("Imported the file as draft version %(n)s of the rule.") % {"n": draft.number},
        )
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
        version = services.publish_rule(version, actor=request.user)
        messages.success(
            request,
            _(
                "Published version %(n)s of the rule for “%(title)s”; matching runs again in "
                "the background."
            )
            % {"n": version.number, "title": version.item.title},
        )
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("policies:rule", pk=version.item_id)


@role_required(Role.POLICY_OFFICER)
def document_guide(request: HttpRequest, pk: int) -> HttpResponse:
    """The officer's way from a document to published items, on one page."""
    document = get_object_or_404(documents_visible_to(request.user), pk=pk)
    steps, progress = document_progress(document)
    return render(
        request,
        "policies/guide.html",
        {"title": document.title, "document": document, "steps": steps, "progress": progress},
    )
