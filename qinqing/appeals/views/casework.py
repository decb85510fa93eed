"""One appeal, for everyone who may see it: detail, the actions allowed to the viewer, attachments."""

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from qinqing.accounts.models import Role
from qinqing.accounts.permissions import has_role
from qinqing.appeals import clocks, events, forms, hooks, selectors, services
from qinqing.appeals.models import (
    Appeal,
    Attachment,
    Clock,
    Extension,
    Status,
)
from qinqing.appeals.transitions import allowed_actions
from qinqing.appeals.views.common import _error_text, _form_errors
from qinqing.lib.masking import mask_name, mask_phone
from qinqing.workdays.services import get_calendar


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
