"""Pages: thin adapters from HTTP to selectors (reads) and services (writes)."""

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from qinqing.accounts.models import Role
from qinqing.accounts.permissions import deny, enterprise_uscc, has_role, role_required
from qinqing.appeals import clocks, events, exports, forms, hooks, selectors, services
from qinqing.appeals.models import (
    FINAL_STATUSES,
    Appeal,
    Attachment,
    Channel,
    Clock,
    Extension,
    Rating,
    Status,
)
from qinqing.appeals.transitions import allowed_actions
from qinqing.enterprises.models import Enterprise
from qinqing.lib.masking import mask_name, mask_phone
from qinqing.workdays.services import get_calendar

PAGE_SIZE = 50
LEDGER_ROLES = (
    Role.INTAKE_OPERATOR,
    Role.SUPERVISOR,
    Role.LEADER,
    Role.HANDLER,
    Role.DEPT_HEAD,
    Role.ADMIN,
)


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "；".join(" ".join(m) for m in exc.message_dict.values())
    return "；".join(exc.messages)


def _form_errors(form: django_forms.Form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}：{' '.join(errors)}" if label else " ".join(errors))
    return "；".join(parts)


def _masked_rows(appeals: Any) -> list[dict[str, Any]]:
    """List rows: contact details masked (lists never show them in full)."""
    return [
        {
            "appeal": a,
            "requester_name": mask_name(a.requester_name),
            "requester_phone": mask_phone(a.requester_phone),
        }
        for a in appeals
    ]


def _page(qs: QuerySet[Appeal], request: HttpRequest) -> tuple[list[Appeal], int, bool]:
    """Offset pages without COUNT(*): one extra row says whether there is a next page."""
    try:
        page = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page = 1
    rows = list(qs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


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
                actor=request.user,
                channel=Channel.PORTAL,
                appeal_type=data["type"],
                category=data["category"],
                title=data["title"],
                description=data["description"],
                requester_name=data["requester_name"],
                requester_phone=data["requester_phone"],
                address=data["address"],
                idempotency_key=data["idempotency_key"],
                files=data["attachments"],
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


# --- operators: intake ------------------------------------------------------------------
@role_required(Role.INTAKE_OPERATOR, Role.SUPERVISOR)
def intake(request: HttpRequest) -> HttpResponse:
    form = forms.IntakeAppealForm(request.POST or None, request.FILES or None)
    if request.method == "GET":
        form = forms.IntakeAppealForm(initial=_intake_initial(request.GET))
    elif form.is_valid():
        data = form.cleaned_data
        try:
            enterprise = _find_enterprise(data["enterprise_query"])
            appeal, _created = services.register_appeal(
                actor=request.user,
                channel=data["channel"],
                appeal_type=data["type"],
                category=data["category"],
                title=data["title"],
                description=data["description"],
                enterprise=enterprise,
                requester_name=data["requester_name"],
                requester_phone=data["requester_phone"],
                address=data["address"],
                division=data["division"],
                idempotency_key=data["idempotency_key"],
                files=data["attachments"],
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(
                request, gettext("Appeal %(number)s registered.") % {"number": appeal.number}
            )
            return redirect("appeals:detail", pk=appeal.pk)
    else:
        messages.error(request, _form_errors(form))
    return render(request, "appeals/intake.html", {"form": form, "title": _("Register an appeal")})


def _intake_initial(params: Any) -> dict[str, Any]:
    """Other pages link here to turn something into an appeal (an enterprise warning, an
    observer's report): ?enterprise=<credit code>&title=...&description=..."""
    initial: dict[str, Any] = {"idempotency_key": uuid.uuid4().hex}
    enterprise = Enterprise.objects.filter(
        uscc=params.get("enterprise", "").strip().upper()
    ).first()
    if enterprise is not None:
        initial["enterprise_query"] = enterprise.uscc
        initial["division"] = enterprise.division_id
        initial["address"] = enterprise.address
    for field, limit in (("title", 200), ("description", 2000)):
        if params.get(field):
            initial[field] = params[field][:limit]
    return initial


def _find_enterprise(query: str) -> Enterprise | None:
    query = (query or "").strip()
    if not query:
        return None
    found = list(Enterprise.objects.filter(Q(uscc=query.upper()) | Q(name=query))[:2])
    if len(found) != 1:
        raise ValidationError(
            {
                "enterprise_query": f"找不到唯一的企业“{query}”，请输入完整的企业名称或统一社会信用代码。"
            }
        )
    return found[0]


@role_required(Role.INTAKE_OPERATOR, Role.SUPERVISOR)
def enterprise_lookup(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("enterprise_query", "").strip()
    results = (
        list(
            Enterprise.objects.filter(
                Q(name__icontains=query) | Q(uscc__startswith=query.upper())
            ).order_by("name")[:10]
        )
        if len(query) >= 2
        else []
    )
    return render(request, "appeals/_enterprise_lookup.html", {"results": results})


@role_required(Role.INTAKE_OPERATOR, Role.SUPERVISOR)
def suggest(request: HttpRequest) -> HttpResponse:
    """htmx: what the registered advisors suggest for the text typed so far."""
    title = request.GET.get("title", "")
    text = request.GET.get("description", "")
    advice = hooks.advise(title, text, None, None) if (title or text) else {}
    duplicate_ids = advice.get("duplicates", []) if advice else []
    duplicates = list(selectors.appeals_visible_to(request.user).filter(pk__in=duplicate_ids)[:5])
    return render(
        request,
        "appeals/_suggestions.html",
        {"suggestions": advice.get("suggestions", []) if advice else [], "duplicates": duplicates},
    )


# --- departments: worklist ------------------------------------------------------------------
@role_required(Role.HANDLER, Role.DEPT_HEAD)
def worklist(request: HttpRequest) -> HttpResponse:
    qs = selectors.worklist_for(request.user)
    rows, page, has_next = _page(qs, request)
    now = timezone.now()
    running = _running_clocks([a.pk for a in rows])
    calendar = get_calendar()
    items = [
        {
            "appeal": a,
            "clocks": [
                (c, clocks.clock_state(c, now, calendar), c.due_at < now)
                for c in running.get(a.pk, [])
            ],
        }
        for a in rows
    ]
    return render(
        request,
        "appeals/worklist.html",
        {"items": items, "page": page, "has_next": has_next, "title": _("Worklist")},
    )


def _running_clocks(ids: list[int]) -> dict[int, list[Clock]]:
    result: dict[int, list[Clock]] = {}
    for clock in Clock.objects.filter(appeal_id__in=ids, stopped_at__isnull=True).order_by(
        "due_at"
    ):
        result.setdefault(clock.appeal_id, []).append(clock)
    return result


# --- supervisors: board ---------------------------------------------------------------------
@role_required(Role.SUPERVISOR, Role.LEADER)
def board(request: HttpRequest) -> HttpResponse:
    visible = selectors.appeals_visible_to(request.user).exclude(status__in=FINAL_STATUSES)
    now = timezone.now()
    soon = now + dt.timedelta(days=2)
    base = visible.select_related("lead_department", "category")
    sections = [
        (
            pgettext_lazy("appeals", "Overdue"),
            base.filter(next_due_at__lt=now).order_by("next_due_at")[:20],
        ),
        (
            _("Due soon"),
            base.filter(next_due_at__gte=now, next_due_at__lt=soon).order_by("next_due_at")[:20],
        ),
        (
            _("Returned, to re-dispatch"),
            base.filter(status=Status.RETURNED).order_by("-updated_at")[:20],
        ),
        (
            _("Unsatisfied call-backs"),
            base.filter(status=Status.CALLED_BACK)
            .filter(
                Q(callback_solved=False)
                | Q(rating__in=[Rating.UNSATISFIED, Rating.VERY_UNSATISFIED])
            )
            .order_by("-updated_at")[:20],
        ),
    ]
    extensions = list(selectors.extensions_pending_for(request.user)[:20])
    return render(
        request,
        "appeals/board.html",
        {
            "sections": [(label, list(qs)) for label, qs in sections],
            "extensions": extensions,
            "decide_form": forms.DecideExtensionForm(),
            "title": _("Supervision board"),
        },
    )


# --- ledger and export -------------------------------------------------------------------
def _ledger_queryset(request: HttpRequest) -> tuple[forms.LedgerFilterForm, QuerySet[Appeal]]:
    form = forms.LedgerFilterForm(request.GET or None)
    qs = selectors.appeals_visible_to(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["start"]:
            qs = qs.filter(created_at__gte=_day_start(data["start"]))
        if data["end"]:
            qs = qs.filter(created_at__lt=_day_start(data["end"] + dt.timedelta(days=1)))
        if data["department"]:
            qs = qs.filter(lead_department=data["department"])
        if data["category"]:
            qs = qs.filter(Q(category=data["category"]) | Q(category__parent=data["category"]))
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["channel"]:
            qs = qs.filter(channel=data["channel"])
        if data["overdue"]:
            qs = qs.filter(next_due_at__lt=timezone.now())
        if data["q"]:
            qs = qs.filter(search_text__contains=data["q"].strip().lower())
    return form, qs.select_related("category", "lead_department", "enterprise").order_by(
        "-created_at", "-id"
    )


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_current_timezone())


@role_required(*LEDGER_ROLES)
def ledger(request: HttpRequest) -> HttpResponse:
    form, qs = _ledger_queryset(request)
    rows, page, has_next = _page(qs, request)
    return render(
        request,
        "appeals/ledger.html",
        {
            "form": form,
            "rows": _masked_rows(rows),
            "page": page,
            "has_next": has_next,
            "query": _query_without_page(request),
            "title": _("Appeal ledger"),
        },
    )


@role_required(*LEDGER_ROLES)
def ledger_export(request: HttpRequest) -> HttpResponse:
    _form, qs = _ledger_queryset(request)
    content, truncated = exports.ledger_xlsx(qs)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="appeals-{stamp}.xlsx"'
    if truncated:
        response["X-Truncated"] = "1"
    return response


# --- detail and actions ---------------------------------------------------------------------
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = selectors.access_appeal(request.user, pk)
    staff = selectors.is_staff_viewer(request.user, appeal)
    timeline = appeal.events.select_related("actor").prefetch_related("attachments")
    if not staff:
        timeline = timeline.filter(staff_only=False)
    attachments = appeal.attachments.all() if staff else appeal.attachments.filter(staff_only=False)
    now = timezone.now()
    calendar = get_calendar()
    clock_rows = [
        (c, clocks.clock_state(c, now, calendar))
        for c in Clock.objects.filter(appeal=appeal).order_by("started_at", "id")
    ]
    personal = selectors.may_view_personal_data(request.user, appeal)
    advice: dict[str, Any] = {}
    if staff and appeal.status in (Status.REGISTERED, Status.RETURNED):
        advice = hooks.advise(appeal.title, appeal.description, appeal.enterprise, appeal.division)
    return render(
        request,
        "appeals/detail.html",
        {
            "appeal": appeal,
            "timeline": [(e, events.label(e.kind)) for e in timeline],
            "attachments": attachments,
            "clocks": clock_rows,
            "assignments": appeal.assignments.select_related("department"),
            "consultations": appeal.consultations.select_related("author") if staff else [],
            "extensions": appeal.extensions.select_related("clock") if staff else [],
            "requester_name": appeal.requester_name
            if personal
            else mask_name(appeal.requester_name),
            "requester_phone": appeal.requester_phone
            if personal
            else mask_phone(appeal.requester_phone),
            "actions": _action_forms(request.user, appeal),
            "advice": advice,
            "staff": staff,
            "title": appeal.number,
        },
    )


ActionFn = Callable[[Appeal, Any, dict[str, Any]], Any]


def _dispatch(a: Appeal, u: Any, d: dict[str, Any]) -> Any:
    return services.dispatch_appeal(
        a, actor=u, to=d["department"], assist=list(d["assist"]), note=d["note"]
    )


def _duplicate(a: Appeal, u: Any, d: dict[str, Any]) -> Any:
    original = selectors.appeals_visible_to(u).filter(number=d["original"].strip()).first()
    if original is None:
        raise ValidationError({"original": "找不到该编号的原诉求。"})
    return services.mark_duplicate(a, actor=u, original=original, note=d["note"])


ACTIONS: dict[str, tuple[type[django_forms.Form], ActionFn, Any]] = {
    "dispatch": (forms.DispatchForm, _dispatch, _("Dispatch")),
    "acknowledge": (
        forms.NoteForm,
        lambda a, u, d: services.acknowledge_appeal(a, actor=u, note=d["note"]),
        pgettext_lazy("appeals", "Acknowledge"),
    ),
    "return": (
        forms.ReasonForm,
        lambda a, u, d: services.return_appeal(a, actor=u, reason=d["reason"]),
        _("Return"),
    ),
    "contact": (
        forms.ContactForm,
        lambda a, u, d: services.record_contact(
            a,
            actor=u,
            method=d["method"],
            person=d["person"],
            contacted_at=d["contacted_at"],
            note=d["note"],
        ),
        _("Record contact"),
    ),
    "reply": (
        forms.ReplyForm,
        lambda a, u, d: services.reply_appeal(
            a, actor=u, result=d["result"], text=d["text"], policy_reason=d["policy_reason"]
        ),
        _("Reply"),
    ),
    "call_back": (
        forms.CallBackForm,
        lambda a, u, d: services.call_back_appeal(
            a, actor=u, solved=d["solved"], rating=d["rating"], note=d["note"]
        ),
        _("Call back"),
    ),
    "close": (
        forms.NoteForm,
        lambda a, u, d: services.close_appeal(a, actor=u, note=d["note"]),
        _("Close"),
    ),
    "reopen": (
        forms.ReasonForm,
        lambda a, u, d: services.reopen_appeal(a, actor=u, reason=d["reason"]),
        _("Reopen"),
    ),
    "suspend": (
        forms.ReasonForm,
        lambda a, u, d: services.suspend_appeal(a, actor=u, reason=d["reason"]),
        _("Suspend"),
    ),
    "resume": (
        forms.NoteForm,
        lambda a, u, d: services.resume_appeal(a, actor=u, note=d["note"]),
        _("Resume"),
    ),
    "withdraw": (
        forms.NoteForm,
        lambda a, u, d: services.withdraw_appeal(a, actor=u, reason=d["note"]),
        _("Withdraw"),
    ),
    "mark_duplicate": (forms.DuplicateForm, _duplicate, _("Mark as duplicate")),
    "urge": (
        forms.UrgeForm,
        lambda a, u, d: services.urge_appeal(a, actor=u, note=d["note"]),
        _("Urge"),
    ),
    "supervise": (
        forms.UrgeForm,
        lambda a, u, d: services.urge_appeal(a, actor=u, note=d["note"], formal=True),
        _("Supervise"),
    ),
    "request_extension": (
        forms.ExtensionForm,
        lambda a, u, d: services.request_extension(
            a, actor=u, clock_kind=d["clock"], days=d["days"], reason=d["reason"]
        ),
        _("Request an extension"),
    ),
    "consult": (
        forms.ConsultForm,
        lambda a, u, d: services.consult_appeal(
            a, actor=u, note=d["note"], agreement=d["agreement"]
        ),
        _("Consultation"),
    ),
    "attach": (
        forms.AttachForm,
        lambda a, u, d: services.add_attachments(
            a, actor=u, files=d["attachments"], staff_only=d["staff_only"]
        ),
        _("Add attachments"),
    ),
}


def _may_try(user: Any, appeal: Appeal, action: str) -> bool:
    """Which forms to show; the services decide for real."""
    owner = selectors.is_enterprise_owner(user, appeal)
    dispatcher = selectors.oversees(user, appeal, *selectors.DISPATCH_ROLES)
    lead = selectors.is_lead_department_member(user, appeal)
    supervisor = selectors.oversees(user, appeal, Role.SUPERVISOR, Role.ADMIN)
    department = any(
        selectors.department_in_scope(user, a.department) for a in appeal.assignments.all()
    )
    rules = {
        "dispatch": dispatcher,
        "acknowledge": department,
        "return": lead,
        "contact": lead,
        "reply": lead,
        "call_back": owner or dispatcher,
        "close": dispatcher,
        "reopen": dispatcher,
        "suspend": lead or supervisor,
        "resume": lead or supervisor,
        "withdraw": owner or dispatcher,
        "mark_duplicate": dispatcher,
        "urge": dispatcher or has_role(user, Role.LEADER),
        "supervise": supervisor,
        "request_extension": lead,
        "consult": (department or selectors.oversees(user, appeal)) and not owner,
        "attach": True,
    }
    return rules.get(action, False)


def _action_forms(user: Any, appeal: Appeal) -> list[tuple[str, Any, django_forms.Form]]:
    possible = set(allowed_actions(appeal.status))
    if "acknowledge_assist" in possible:
        possible.add("acknowledge")
    return [
        (name, label, form_class(prefix=name))
        for name, (form_class, _fn, label) in ACTIONS.items()
        if name in possible and _may_try(user, appeal, name)
    ]


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    appeal = selectors.access_appeal(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    form_class, fn, _label = ACTIONS[action]
    form = form_class(request.POST, request.FILES, prefix=action)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            fn(appeal, request.user, form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, gettext("Done."))
    return redirect("appeals:detail", pk=appeal.pk)


@login_required
@require_POST
def decide_extension(request: HttpRequest, pk: int) -> HttpResponse:
    extension = get_object_or_404(Extension.objects.select_related("appeal"), pk=pk)
    selectors.access_appeal(request.user, extension.appeal_id)
    form = forms.DecideExtensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            services.decide_extension(
                extension,
                actor=request.user,
                approve=form.cleaned_data["approve"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, gettext("Done."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return redirect(target or "appeals:board")


@login_required
def attachment(request: HttpRequest, token: str) -> HttpResponse:
    item = get_object_or_404(Attachment, token=token)
    appeal = selectors.access_appeal(request.user, item.appeal_id)
    if item.staff_only and not selectors.is_staff_viewer(request.user, appeal):
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle, as_attachment=True, filename=item.name, content_type=item.content_type
    )
