"""Pages of the registry. Thin: selectors decide who sees what, services change things."""

import datetime as dt
import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qinqing.accounts.models import Role
from qinqing.accounts.permissions import deny, enterprise_uscc, has_role, is_admin
from qinqing.enterprises import exports, services
from qinqing.enterprises.forms import (
    CorrectionForm,
    EnterpriseFilterForm,
    ImportForm,
    PoolEntryForm,
    PoolExitForm,
    QualificationForm,
    ReviewForm,
    TagsForm,
)
from qinqing.enterprises.imports import start_import
from qinqing.enterprises.models import (
    CorrectionRequest,
    ImportJob,
    Metric,
    PoolMembership,
    SizeClass,
    Source,
    WarningStatus,
)
from qinqing.enterprises.monitoring import indicator_series
from qinqing.enterprises.selectors import (
    access_correction,
    access_enterprise,
    access_warning,
    can_see_registry,
    corrections_for_review,
    is_narrow,
    is_registry_officer,
    own_enterprise,
    page_of,
    profile_provenance,
    search_enterprises,
    warnings_visible_to,
    year_table,
)
from qinqing.enterprises.transitions import TransitionError
from qinqing.lib.masking import mask_phone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _ensure_registry(request: HttpRequest) -> None:
    if not can_see_registry(request.user):
        raise deny(request, request.user, "enterprise:registry")


def _ensure_officer(request: HttpRequest, action: str) -> None:
    if not is_registry_officer(request.user):
        raise deny(request, request.user, action)


def _errors(exc: ValidationError) -> str:
    return "；".join(exc.messages)


@login_required
def registry(request: HttpRequest) -> HttpResponse:
    if enterprise_uscc(request.user) is not None:
        return redirect("enterprises:mine")
    _ensure_registry(request)
    form = EnterpriseFilterForm(request.GET or None)
    criteria = form.criteria()
    qs = search_enterprises(request.user, criteria)
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(exports.export_workbook(qs), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="enterprises.xlsx"'
        return response
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    rows, has_next = page_of(qs, page, narrow=is_narrow(criteria))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "enterprises/registry.html",
        {
            "title": _("Enterprise registry"),
            "form": form,
            "rows": [(e, mask_phone(e.contact_phone)) for e in rows],
            "page": page,
            "has_next": has_next,
            "query": params.urlencode(),
            "sizes": dict(SizeClass.choices),
            "is_officer": is_registry_officer(request.user),
        },
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request.user)
    if enterprise is None:
        if can_see_registry(request.user):
            return redirect("enterprises:registry")
        raise Http404
    return redirect("enterprises:detail", uscc=enterprise.uscc)


def appeal_intake_url(uscc: str, warning_id: int | None = None) -> str:
    """The appeals intake page with the enterprise preselected (?enterprise=<uscc>).
    The registry does not import the appeals app; it only links to its page."""
    base = "/appeals/new/"
    for name in ("appeals:intake", "appeals:register", "appeals:new"):
        try:
            base = reverse(name)
            break
        except NoReverseMatch:
            continue
    params = {"enterprise": uscc}
    if warning_id:
        params["warning"] = str(warning_id)
    return f"{base}?{urlencode(params)}"


@login_required
def detail(request: HttpRequest, uscc: str) -> HttpResponse:
    enterprise = access_enterprise(request.user, uscc, request=request)
    is_own = enterprise_uscc(request.user) == enterprise.uscc
    staff = can_see_registry(request.user)
    officer = is_registry_officer(request.user)
    series = indicator_series(enterprise.pk)
    labels = dict(Metric.choices)
    charts = [
        {
            "id": f"chart-{m}",
            "label": str(labels.get(m, m)),
            "x": [p for p, _ in s],
            "y": [v for _, v in s],
        }
        for m, s in sorted(series.items())
    ]
    today = timezone.localdate()
    qualifications = [
        (
            q,
            q.valid_to is not None and q.valid_to < today,
            q.valid_to is not None and today <= q.valid_to <= today + dt.timedelta(days=90),
        )
        for q in enterprise.qualifications.all()
    ]
    context: dict[str, Any] = {
        "title": enterprise.name,
        "enterprise": enterprise,
        "is_own": is_own,
        "staff": staff,
        "officer": officer,
        "provenance": profile_provenance(enterprise, mask=False),
        "sources": dict(Source.choices),
        "years": year_table(enterprise),
        "qualifications": qualifications,
        "charts_json": json.dumps(charts, ensure_ascii=False),
        "has_charts": bool(charts),
        "tags": enterprise.tags.order_by("name"),
        "stays": enterprise.pool_memberships.select_related("pool"),
        "warnings": enterprise.warnings.select_related("rule")[:20] if staff else [],
        "corrections": enterprise.correction_requests.all()[:20] if (staff or is_own) else [],
        "events": enterprise.events.select_related("actor").order_by("-at")[:30] if staff else [],
        "correction_form": CorrectionForm() if is_own else None,
        "pool_form": PoolEntryForm(initial={"on": today}) if officer else None,
        "exit_form": PoolExitForm(initial={"on": today}) if officer else None,
        "qualification_form": QualificationForm() if officer else None,
        "tags_form": TagsForm(initial={"tags": ", ".join(t.name for t in enterprise.tags.all())})
        if officer
        else None,
        # only the people who register appeals get the link (others would meet a 403)
        "appeal_url": appeal_intake_url(enterprise.uscc)
        if has_role(request.user, Role.INTAKE_OPERATOR, Role.SUPERVISOR) or is_admin(request.user)
        else "",
        "size_labels": dict(SizeClass.choices),
    }
    return render(request, "enterprises/detail.html", context)


@login_required
@require_POST
def correct(request: HttpRequest, uscc: str) -> HttpResponse:
    enterprise = access_enterprise(request.user, uscc, request=request)
    if enterprise_uscc(request.user) != enterprise.uscc:
        raise deny(request, request.user, "enterprise:correct", uscc=uscc)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "；".join(f"{form.fields[f].label}：{' '.join(e)}" for f, e in form.errors.items()),
        )
        return redirect("enterprises:detail", uscc=uscc)
    data = form.cleaned_data
    try:
        result = services.submit_correction(
            enterprise, actor=request.user, field_name=data["field_name"], value=data["value"],
            reason=data.get("reason") or "", year=data.get("year"),
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        facts = {
            "field": dict(form.fields["field_name"].choices).get(data["field_name"], ""),
            "value": data["value"],
        }
        if result is None:
            messages.success(request, _("Corrected %(field)s to %(value)s.") % facts)
        else:
            messages.success(
                request,
                _(
                    "Correction of %(field)s to %(value)s sent for review: the fact comes "
                    "from a government source, so an officer checks it first."
                )
                % facts,
            )
    return redirect("enterprises:detail", uscc=uscc)


@login_required
@require_POST
def pool_enter(request: HttpRequest, uscc: str) -> HttpResponse:
    _ensure_officer(request, "enterprise:pool")
    enterprise = access_enterprise(request.user, uscc, request=request)
    form = PoolEntryForm(request.POST)
    if form.is_valid():
        try:
            services.enter_pool(
                enterprise, actor=request.user, pool=form.cleaned_data["pool"],
                on=form.cleaned_data["on"], reason=form.cleaned_data["reason"],
            )  # fmt: skip
            messages.success(
                request,
                _("%(enterprise)s entered the pool %(pool)s on %(on)s.")
                % {
                    "enterprise": enterprise.name,
                    "pool": form.cleaned_data["pool"],
                    "on": date_format(form.cleaned_data["on"]),
                },
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    else:
        messages.error(request, _("Choose a pool, a date and a reason."))
    return redirect("enterprises:detail", uscc=uscc)


@login_required
@require_POST
def pool_exit(request: HttpRequest, stay_id: int) -> HttpResponse:
    _ensure_officer(request, "enterprise:pool")
    stay = get_object_or_404(PoolMembership.objects.select_related("enterprise"), pk=stay_id)
    form = PoolExitForm(request.POST)
    if form.is_valid():
        try:
            services.exit_pool(
                stay,
                actor=request.user,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request,
                _("%(enterprise)s left the pool %(pool)s on %(on)s.")
                % {
                    "enterprise": stay.enterprise.name,
                    "pool": stay.pool,
                    "on": date_format(form.cleaned_data["on"]),
                },
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    else:
        messages.error(request, _("Give the exit date and the reason."))
    return redirect("enterprises:detail", uscc=stay.enterprise.uscc)


@login_required
@require_POST
def qualification_add(request: HttpRequest, uscc: str) -> HttpResponse:
    _ensure_officer(request, "enterprise:qualification")
    enterprise = access_enterprise(request.user, uscc, request=request)
    form = QualificationForm(request.POST)
    if form.is_valid():
        try:
            services.record_qualification(enterprise, actor=request.user, **form.cleaned_data)
            messages.success(
                request,
                _("Recorded the qualification %(kind)s of %(enterprise)s.")
                % {
                    "kind": dict(form.fields["kind"].choices).get(form.cleaned_data["kind"], ""),
                    "enterprise": enterprise.name,
                },
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    else:
        messages.error(
            request,
            "；".join(f"{form.fields[f].label}：{' '.join(e)}" for f, e in form.errors.items()),
        )
    return redirect("enterprises:detail", uscc=uscc)


@login_required
@require_POST
def tags(request: HttpRequest, uscc: str) -> HttpResponse:
    _ensure_officer(request, "enterprise:tags")
    enterprise = access_enterprise(request.user, uscc, request=request)
    form = TagsForm(request.POST)
    if form.is_valid():
        try:
            services.set_tags(enterprise, actor=request.user, names=form.names())
            names = form.names()
            messages.success(
                request,
                _("Tags of %(enterprise)s: %(tags)s.")
                % {"enterprise": enterprise.name, "tags": "、".join(names)}
                if names
                else _("Removed every tag of %(enterprise)s.") % {"enterprise": enterprise.name},
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    return redirect("enterprises:detail", uscc=uscc)


@login_required
def imports(request: HttpRequest) -> HttpResponse:
    _ensure_officer(request, "enterprise:import")
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            job, _created = start_import(
                data["file"], kind=data["kind"], actor=request.user,
                all_or_nothing=data["all_or_nothing"], idempotency_key=data["idempotency_key"],
            )  # fmt: skip
            return redirect("enterprises:import_job", job_id=job.pk)
    else:
        form = ImportForm()
    jobs = ImportJob.objects.filter(created_by=request.user)[:20]
    return render(
        request, "enterprises/imports.html", {"title": _("Import"), "form": form, "jobs": jobs}
    )


@login_required
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    _ensure_officer(request, "enterprise:import")
    job = get_object_or_404(ImportJob, pk=job_id)
    template = (
        "enterprises/_import_progress.html"
        if request.headers.get("HX-Request")
        else "enterprises/import_job.html"
    )
    return render(
        request, template,
        {"title": _("Import"), "job": job, "running": job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)},
    )  # fmt: skip


@login_required
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    _ensure_officer(request, "enterprise:import")
    if kind not in ImportJob.Kind.values or fmt not in {"xlsx", "csv"}:
        raise Http404
    if fmt == "xlsx":
        response = HttpResponse(exports.template_workbook(kind), content_type=XLSX)
    else:
        response = HttpResponse(exports.template_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="template-{kind}.{fmt}"'
    return response


@login_required
def warnings(request: HttpRequest) -> HttpResponse:
    _ensure_registry(request)
    status = request.GET.get("status", WarningStatus.OPEN)
    qs = warnings_visible_to(request.user)
    if status in WarningStatus.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "enterprises/warnings.html",
        {
            "title": _("Early warnings"),
            "rows": qs.order_by("-period", "-id")[:200],
            "status": status,
            "statuses": WarningStatus.choices,
        },
    )


@login_required
@require_POST
def warning_handle(request: HttpRequest, warning_id: int) -> HttpResponse:
    warning = access_warning(request.user, warning_id, request=request)
    target = request.POST.get("to", "")
    if target not in WarningStatus.values or target == WarningStatus.OPEN:
        messages.error(request, _("Unknown action."))
        return redirect("enterprises:warnings")
    try:
        services.handle_warning(
            warning, actor=request.user, to=target, note=request.POST.get("note", "")
        )
    except TransitionError as exc:
        messages.error(request, str(exc))
        return redirect("enterprises:warnings")
    if target == WarningStatus.APPEAL:
        return redirect(appeal_intake_url(warning.enterprise.uscc, warning.pk))
    messages.success(
        request,
        _("Warning for %(enterprise)s marked “%(status)s”.")
        % {"enterprise": warning.enterprise.name, "status": WarningStatus(target).label},
    )
    if request.POST.get("next") == "detail":
        return redirect("enterprises:detail", uscc=warning.enterprise.uscc)
    return redirect("enterprises:warnings")


@login_required
def corrections(request: HttpRequest) -> HttpResponse:
    _ensure_officer(request, "correction:review")
    return render(
        request,
        "enterprises/corrections.html",
        {
            "title": _("Corrections to review"),
            "rows": corrections_for_review(request.user)[:200],
            "form": ReviewForm(),
        },
    )


@login_required
@require_POST
def correction_review(request: HttpRequest, request_id: int) -> HttpResponse:
    correction: CorrectionRequest = access_correction(request.user, request_id, request=request)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return redirect("enterprises:corrections")
    try:
        services.review_correction(
            correction, actor=request.user, approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data.get("note") or "",
        )  # fmt: skip
    except (ValidationError, TransitionError) as exc:
        messages.error(request, _errors(exc) if isinstance(exc, ValidationError) else str(exc))
    else:
        facts = {"enterprise": correction.enterprise.name, "value": correction.proposed_value}
        if form.cleaned_data["decision"] == "approve":
            messages.success(request, _("Approved: %(enterprise)s now shows %(value)s.") % facts)
        else:
            messages.success(
                request, _("Rejected the correction of %(enterprise)s to %(value)s.") % facts
            )
    return redirect("enterprises:corrections")
