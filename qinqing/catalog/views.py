"""Pages: thin adapters from HTTP to selectors (reads) and services (writes). The
catalog, items, bundles and the guide are public (掌上办); matters need a login."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinqing.accounts.models import Role
from qinqing.accounts.permissions import ensure, has_role, is_admin, role_required
from qinqing.catalog import (
    bundles,
    clocks,
    events,
    figures,
    forms,
    selectors,
    services,
)
from qinqing.catalog import worklist as queue
from qinqing.catalog.imports import TEMPLATE_COLUMNS, import_catalog
from qinqing.catalog.models import (
    CHANNELS,
    OPEN_MATTER,
    Bundle,
    BundleApplication,
    MatterChannel,
    MatterMaterial,
)
from qinqing.catalog.transitions import allowed_actions
from qinqing.catalog.vocab import field_label, kind_label
from qinqing.enterprises.imports import FileRejected
from qinqing.enterprises.models import Enterprise
from qinqing.lib.masking import mask_name, mask_phone
from qinqing.workdays.services import get_calendar

OVERSIGHT = (Role.SUPERVISOR, Role.LEADER, Role.DEPT_HEAD)


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "；".join(" ".join(m) for m in exc.message_dict.values())
    return "；".join(exc.messages)


def _date(moment: Any) -> str:
    return f"{timezone.localtime(moment):%Y年%m月%d日}" if moment else ""


# --- the public catalog ---------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    form = forms.SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    department = form.cleaned_data.get("department") if form.is_valid() else None
    items = selectors.search_items(query, department_id=department, limit=50)
    return render(
        request,
        "catalog/index.html",
        {
            "title": "政务服务事项",
            "form": form,
            "query": query,
            "items": items,
            "bundles": Bundle.objects.filter(is_active=True),
            "total": selectors.public_items().count(),
        },
    )


def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    item = get_object_or_404(selectors.public_items().select_related("window"), code=code)
    return render(
        request,
        "catalog/item.html",
        {
            "title": item.name,
            "item": item,
            "materials": [(m, kind_label(m.kind) if m.kind else "") for m in item.materials.all()],
            "channels": [CHANNELS.get(c, c) for c in item.channels],
            "fields": [field_label(k) for k in item.form_fields],
            "may_register": request.user.is_authenticated
            and selectors.may_register_for(request.user, item),
        },
    )


def guide(request: HttpRequest) -> HttpResponse:
    form = forms.GuideForm(request.GET or None)
    result = None
    if request.GET and form.is_valid():
        result = selectors.guide(
            form.cleaned_data["who"], form.cleaned_data["intent"], form.cleaned_data["text"]
        )
    return render(
        request, "catalog/guide.html", {"title": "智能导航", "form": form, "result": result}
    )


def _answers(request: HttpRequest, bundle: Bundle) -> dict[str, bool]:
    source = request.POST if request.method == "POST" else request.GET
    return {q["key"]: source.get(f"q_{q['key']}") == "yes" for q in bundle.questions}


def bundle_detail(request: HttpRequest, code: str) -> HttpResponse:
    bundle = get_object_or_404(Bundle, code=code, is_active=True)
    answers = _answers(request, bundle)
    enterprise = selectors.own_enterprise(request.user)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/login/?next={request.path}")
        uploads = {k[5:]: f for k, f in request.FILES.items() if k.startswith("file_")}
        for upload in uploads.values():
            try:
                forms.check_upload(upload)
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
                return redirect(request.path)
        data = {k[2:]: v for k, v in request.POST.items() if k.startswith("f_")}
        try:
            application = bundles.submit_bundle(
                bundle,
                actor=request.user,
                answers={k: "yes" if v else "" for k, v in answers.items()},
                form_data=data,
                uploads=uploads,
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            count = application.matters.count()
            messages.success(
                request,
                f"已提交“{bundle.name}”，分送 {count} 个事项同步办理，申请号 {application.pk}。",
            )
            return redirect("catalog:bundle_application", pk=application.pk)
    form = bundles.bundle_form(bundle, answers, enterprise)
    return render(
        request,
        "catalog/bundle.html",
        {
            "title": bundle.name,
            "bundle": bundle,
            "form": form,
            "answers": answers,
            "posted": request.POST,
        },
    )


@login_required
def bundle_application(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(BundleApplication.objects.select_related("bundle"), pk=pk)
    matters = [
        m for m in application.matters.select_related("item") if selectors.can_see(request.user, m)
    ]
    ensure(
        bool(matters) or application.applicant_id == request.user.pk,
        request,
        request.user,
        "catalog:view_bundle_application",
        application=pk,
    )
    done, total = bundles.progress(application)
    return render(
        request,
        "catalog/bundle_application.html",
        {
            "title": application.bundle.name,
            "application": application,
            "matters": matters,
            "done": done,
            "total": total,
        },
    )


# --- applying -------------------------------------------------------------------------


@login_required
def item_apply(request: HttpRequest, code: str) -> HttpResponse:
    item = get_object_or_404(selectors.public_items(), code=code)
    staff = selectors.may_register_for(request.user, item)
    register_form = forms.RegisterForm(request.POST or None) if staff else None
    enterprise = selectors.own_enterprise(request.user)
    if request.method == "POST":
        uploads = {k[5:]: f for k, f in request.FILES.items() if k.startswith("file_")}
        data = {k[2:]: v for k, v in request.POST.items() if k.startswith("f_")}
        try:
            for upload in uploads.values():
                forms.check_upload(upload)
            kwargs: dict[str, Any] = {}
            if register_form is not None and register_form.is_valid():
                uscc = register_form.cleaned_data["uscc"].strip().upper()
                enterprise = Enterprise.objects.filter(uscc=uscc).first() if uscc else None
                if uscc and enterprise is None:
                    raise ValidationError({"uscc": "企业库中没有这个统一社会信用代码。"})
                kwargs = {
                    "channel": register_form.cleaned_data["channel"],
                    "enterprise": enterprise,
                    "applicant_name": register_form.cleaned_data["applicant_name"],
                    "applicant_phone": register_form.cleaned_data["applicant_phone"],
                }
            elif register_form is not None:
                raise ValidationError({"applicant_name": "请填写申请人。"})
            matter = services.apply_for_item(
                item, actor=request.user, form_data=data, uploads=uploads, **kwargs
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(
                request,
                f"已提交，办件编号 {matter.number}，当前状态：{matter.get_status_display()}。",
            )
            return redirect("catalog:matter", pk=matter.pk)
    on_file = selectors.materials_on_file(enterprise, [m.kind for m in item.materials.all()])
    materials = [(m, on_file.get(m.kind) if m.kind else None) for m in item.materials.all()]
    return render(
        request,
        "catalog/apply.html",
        {
            "title": f"申请：{item.name}",
            "item": item,
            "fields": [(k, field_label(k)) for k in item.form_fields],
            "materials": materials,
            "register_form": register_form,
            "enterprise": enterprise,
        },
    )


# --- matters --------------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    matters = selectors.matters_visible_to(request.user).select_related("item", "department")
    uscc_filter = {"applicant": request.user}
    applications = BundleApplication.objects.filter(**uscc_filter).select_related("bundle")[:20]
    return render(
        request,
        "catalog/mine.html",
        {"title": "我的办件", "matters": matters[:100], "applications": applications},
    )


@role_required(Role.HANDLER, Role.DEPT_HEAD, Role.INTAKE_OPERATOR)
def worklist(request: HttpRequest) -> HttpResponse:
    now, calendar = timezone.now(), get_calendar()
    after = request.GET.get("after", "")
    page = queue.worklist_page(request.user, after=after)
    rows = [
        (m, clocks.clock_words(m.due_at, m.paused_at is not None, m.decided_at, now, calendar))
        for m in page.matters
    ]
    return render(
        request,
        "catalog/worklist.html",
        {
            "title": "办件工作台",
            "rows": rows,
            "now": now,
            "next_cursor": page.next_cursor,
            "first_page": not after,
            "counts": queue.worklist_counts(request.user, now),
        },
    )


@login_required
def matter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    matter = selectors.access_matter(request.user, pk, request=request)
    handler = selectors.may_handle(request.user, matter)
    own = matter.applicant_id == request.user.pk
    actions = [a for a in allowed_actions(matter.status) if a != "submit"]
    if not handler:
        actions = (
            [a for a in actions if a in ("resubmit", "withdraw", "supply_missing")] if own else []
        )
    elif not own and matter.registered_by_id != request.user.pk:
        # the department does not withdraw or resubmit an applicant's own application
        actions = [a for a in actions if a not in services.APPLICANT_ACTIONS]
    timeline = [(e, events.label(e.kind)) for e in matter.events.select_related("actor")]
    return render(
        request,
        "catalog/matter.html",
        {
            "title": f"办件 {matter.number}",
            "matter": matter,
            "materials": matter.materials.select_related("material", "certificate"),
            "may_download": selectors.may_download_matter_files(request.user, matter),
            "fields": [(field_label(k), v) for k, v in matter.form_data.items()],
            "timeline": timeline,
            "actions": actions,
            "handler": handler,
            "clock": clocks.clock_words(
                matter.due_at, matter.paused_at is not None, matter.decided_at, timezone.now()
            ),
            "applicant_phone": matter.applicant_phone
            if (handler or own)
            else mask_phone(matter.applicant_phone),
            "applicant_name": matter.applicant_name
            if (handler or own or matter.enterprise_id)
            else mask_name(matter.applicant_name),
            "accept_form": forms.AcceptForm(),
            "reason_form": forms.ReasonForm(),
            "decide_form": forms.DecideForm(),
            "note_form": forms.NoteForm(),
            "flags": matter.flags.all() if handler or not own else [],
            "missing_state": MatterMaterial.State.MISSING,
        },
    )


@login_required
@require_POST
def matter_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    matter = selectors.access_matter(request.user, pk, request=request)
    user, post = request.user, request.POST
    try:
        if action == "accept":
            f = forms.AcceptForm(post)
            if not f.is_valid():
                raise ValidationError("补交期限为 1 至 30 个工作日。")
            matter = services.accept_matter(
                matter,
                actor=user,
                missing_material=f.cleaned_data["missing_material"],
                missing_days=f.cleaned_data["missing_days"],
            )
            text = f"已受理，承诺 {matter.limit_days} 个工作日，{_date(matter.due_at)}前办结"
            if matter.decided_at:
                text = "即办件，已当场办结"
        elif action == "not_accept":
            matter = services.not_accept_matter(
                matter,
                actor=user,
                reason=post.get("reason", ""),
                legal_ground=post.get("legal_ground", ""),
            )
            text = "已作出不予受理决定，已通知申请人"
        elif action == "review":
            matter = services.start_review(matter, actor=user)
            text = "已开始审查"
        elif action == "request_correction":
            matter = services.request_correction(matter, actor=user, note=post.get("note", ""))
            text = f"已退回补正（第 {matter.correction_count} 次），计时暂停"
        elif action == "resubmit":
            uploads = {k[5:]: f for k, f in request.FILES.items() if k.startswith("file_")}
            matter = services.resubmit_matter(
                matter, actor=user, note=post.get("note", ""), uploads=uploads
            )
            text = f"已提交补正材料，计时恢复，{_date(matter.due_at)}前办结"
        elif action == "supply_missing":
            matter = services.supply_missing(matter, actor=user, upload=request.FILES.get("file"))
            text = "容缺材料已补交"
        elif action in ("approve", "refuse"):
            f = forms.DecideForm(post)
            dated = f.cleaned_data.get("document_dated") if f.is_valid() else None
            matter = services.decide_matter(
                matter,
                actor=user,
                approve=action == "approve",
                reason=post.get("reason", ""),
                legal_ground=post.get("legal_ground", ""),
                document_dated=dated,
            )
            text = (
                "已办结（准予），结果已通知申请人"
                if action == "approve"
                else "已办结（不予许可），结果已通知申请人"
            )
        elif action == "withdraw":
            matter = services.withdraw_matter(matter, actor=user, reason=post.get("reason", ""))
            text = "已撤回申请"
        else:
            ensure(False, request, user, f"catalog:act:{action[:30]}")
            text = ""
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, text)
    return redirect("catalog:matter", pk=pk)


# --- certificates ---------------------------------------------------------------------


@role_required(Role.ENTERPRISE)
def certificates(request: HttpRequest) -> HttpResponse:
    enterprise = selectors.own_enterprise(request.user)
    ensure(enterprise is not None, request, request.user, "catalog:certificates")
    assert enterprise is not None
    form = forms.CertificateForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                cert = services.upload_certificate(
                    enterprise, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
            else:
                messages.success(
                    request, f"已存入证照库：{cert.name}（{cert.number}），今后办事免提交"
                )
                return redirect("catalog:certificates")
        else:
            messages.error(
                request,
                "；".join(
                    f"{form.fields[k].label}：{' '.join(v)}"
                    for k, v in form.errors.items()
                    if k in form.fields
                ),
            )
    today = timezone.localdate()
    rows = [
        (c, c.valid_to is not None and c.valid_to < today)
        for c in selectors.certificates_visible_to(request.user, enterprise)
    ]
    return render(
        request,
        "catalog/certificates.html",
        {"title": "我的证照", "rows": rows, "form": form, "enterprise": enterprise},
    )


# --- figures and the watch ------------------------------------------------------------


@role_required(*OVERSIGHT)
def figures_page(request: HttpRequest) -> HttpResponse:
    rows = figures.department_figures()
    if not (is_admin(request.user) or has_role(request.user, Role.SUPERVISOR, Role.LEADER)):
        from qinqing.accounts.permissions import scope_org_ids

        mine = scope_org_ids(request.user, Role.DEPT_HEAD)
        rows = [r for r in rows if r.department.pk in mine]
    return render(
        request,
        "catalog/figures.html",
        {
            "title": "政务服务指标",
            "rows": rows,
            "total": figures.district_total(rows),
            "definitions": figures.DEFINITIONS,
        },
    )


@role_required(*OVERSIGHT, Role.HANDLER)
def watch(request: HttpRequest) -> HttpResponse:
    flags = selectors.flags_visible_to(request.user)
    rule = request.GET.get("rule", "")
    if rule:
        flags = flags.filter(rule=rule)
    return render(
        request,
        "catalog/watch.html",
        {
            "title": "审批负面行为管控",
            "flags": flags[:200],
            "form": forms.ExplainForm(),
            "open_statuses": OPEN_MATTER,
        },
    )


@role_required(Role.HANDLER, Role.DEPT_HEAD)
@require_POST
def explain_flag(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_object_or_404(selectors.flags_visible_to(request.user), pk=pk)
    try:
        services.explain_flag(
            flag, actor=request.user, explanation=request.POST.get("explanation", "")
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, f"已提交情况说明：{flag.matter.number}（预警留痕保留）")
    return redirect("catalog:watch")


@role_required(Role.ADMIN)
def import_page(request: HttpRequest) -> HttpResponse:
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_catalog(
                upload,
                upload.name,
                mode=form.cleaned_data["mode"],
                create_departments=form.cleaned_data["create_departments"],
            )
        except FileRejected as exc:
            messages.error(request, str(exc))
        else:
            if result.written:
                messages.success(
                    request,
                    f"导入完成：新增 {result.created} 项，更新 {result.updated} 项，{len(result.errors)} 行有误未导入",
                )
            else:
                messages.error(
                    request, f"有 {len(result.errors)} 处错误，未导入任何数据；请修改后重新导入"
                )
    return render(
        request,
        "catalog/import.html",
        {
            "title": "导入事项目录",
            "form": form,
            "result": result,
            "columns": TEMPLATE_COLUMNS,
            "channel_window": MatterChannel.WINDOW,
        },
    )
