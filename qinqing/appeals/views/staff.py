"""Staff pages: intake (受理), the departments' worklist, the supervisors' board, the ledger."""

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from qinqing.accounts.models import Organisation, OrgKind, Role
from qinqing.accounts.permissions import role_required
from qinqing.appeals import clocks, exports, forms, hooks, selectors, services
from qinqing.appeals.models import (
    FINAL_STATUSES,
    Appeal,
    Clock,
    Rating,
    Status,
)
from qinqing.appeals.views.common import (
    LEDGER_ROLES,
    _error_text,
    _form_errors,
    _masked_rows,
    _page,
    _query_without_page,
)
from qinqing.enterprises.models import Enterprise
from qinqing.workdays.services import get_calendar


# --- operators: intake ------------------------------------------------------------------
@role_required(Role.INTAKE_OPERATOR, Role.SUPERVISOR)
def intake(request: HttpRequest) -> HttpResponse:
    form = forms.IntakeAppealForm(request.POST or None, request.FILES or None)
    if request.method == "GET":
        form = forms.IntakeAppealForm(initial=_intake_initial(request.GET))
    elif form.is_valid():
        data = form.cleaned_data
        try:
            appeal, _created = services.register_appeal(
                services.IntakeInput(
                    channel=data["channel"],
                    appeal_type=data["type"],
                    category=data["category"],
                    title=data["title"],
                    description=data["description"],
                    enterprise=services.enterprise_by_name_or_code(data["enterprise_query"]),
                    requester_name=data["requester_name"],
                    requester_phone=data["requester_phone"],
                    address=data["address"],
                    division=data["division"],
                    idempotency_key=data["idempotency_key"],
                    files=data["attachments"],
                ),
                actor=request.user,
            )
            original = _merge_target(request.user, data.get("merge_into"))
            if original is not None:
                services.merge_appeals(appeal, actor=request.user, into=original)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            if original is not None:
                messages.success(
                    request,
                    gettext("Appeal %(number)s registered and merged into %(original)s.")
                    % {"number": appeal.number, "original": original.number},
                )
                return redirect("appeals:detail", pk=original.pk)
            messages.success(
                request, gettext("Appeal %(number)s registered.") % {"number": appeal.number}
            )
            return redirect("appeals:detail", pk=appeal.pk)
    else:
        messages.error(request, _form_errors(form))
    return render(request, "appeals/intake.html", {"form": form, "title": _("Register an appeal")})


def _merge_target(user: Any, pk: int | None) -> Appeal | None:
    if not pk:
        return None
    original = selectors.appeals_visible_to(user).filter(pk=pk).first()
    if original is None:
        raise ValidationError({"merge_into": "找不到要并入的原诉求，请刷新后重试。"})
    return original


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
    """htmx: what the registered advisors suggest for the title and description typed so
    far. Nothing else is required; an enterprise or division already chosen sharpens the
    duplicates (same enterprise) and the routed department."""
    title = request.GET.get("title", "").strip()[:200]
    text = request.GET.get("description", "").strip()[:2000]
    if not (title or text):
        return render(request, "appeals/_suggestions.html", {"suggestions": [], "duplicates": []})
    query = request.GET.get("enterprise_query", "").strip()
    enterprise = (
        Enterprise.objects.filter(Q(uscc=query.upper()) | Q(name=query)).first() if query else None
    )
    division = request.GET.get("division", "")
    advice = hooks.advise(title, text, enterprise, int(division) if division.isdigit() else None)
    found = {d["id"]: d for d in advice["duplicates"]}
    visible = selectors.appeals_visible_to(request.user).in_bulk(list(found))
    duplicates = [{**found[pk], "appeal": visible[pk]} for pk in found if pk in visible][:5]
    return render(
        request,
        "appeals/_suggestions.html",
        {"suggestions": advice["suggestions"], "duplicates": duplicates},
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
            "overdue",
            pgettext_lazy("appeals", "Overdue"),
            base.filter(next_due_at__lt=now).order_by("next_due_at")[:20],
        ),
        (
            "due_soon",
            _("Due soon"),
            base.filter(next_due_at__gte=now, next_due_at__lt=soon).order_by("next_due_at")[:20],
        ),
        (
            "returned",
            _("Returned, to re-dispatch"),
            base.filter(status=Status.RETURNED).order_by("-updated_at")[:20],
        ),
        (
            # 待回访: replied, the call-back clock running
            "awaiting_callback",
            _("Awaiting call-back"),
            base.filter(status=Status.REPLIED).order_by("next_due_at", "id")[:20],
        ),
        (
            "unsatisfied",
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
            "sections": [(key, label, list(qs)) for key, label, qs in sections],
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


def _drill(
    request: HttpRequest, form: forms.LedgerFilterForm, qs: QuerySet[Appeal]
) -> tuple[QuerySet[Appeal], dict[str, Any] | None]:
    """?figure=<registered appeals figure>: exactly the appeals that figure counts (a
    cockpit number's drill-down), within the viewer's appeals and the chosen division."""
    name = request.GET.get("figure", "")
    if not name:
        return qs, None
    data = form.cleaned_data if form.is_valid() else {}
    division = None
    if request.GET.get("division", "").isdigit():
        division = Organisation.objects.filter(
            pk=int(request.GET["division"]), kind=OrgKind.DIVISION
        ).first()
        if division is not None:
            qs = qs.filter(division__path__startswith=division.path)
    found = selectors.appeals_behind_figure(
        qs, name, start=data.get("start"), end=data.get("end"), part=request.GET.get("part")
    )
    if found is None:
        return qs, None
    figure, rows, value = found
    if figure.is_count:
        display = str(value)
    else:
        display = "—" if value is None else f"{value * 100:.1f}%"
    drill = {"figure": figure, "display": display, "count": rows.count(), "division": division}
    return rows, drill


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_current_timezone())


@role_required(*LEDGER_ROLES)
def ledger(request: HttpRequest) -> HttpResponse:
    form, qs = _ledger_queryset(request)
    qs, drill = _drill(request, form, qs)
    rows, page, has_next = _page(qs, request)
    return render(
        request,
        "appeals/ledger.html",
        {
            "form": form,
            "drill": drill,
            "rows": _masked_rows(rows),
            "page": page,
            "has_next": has_next,
            "query": _query_without_page(request),
            "title": _("Appeal ledger"),
        },
    )


@role_required(*LEDGER_ROLES)
def ledger_export(request: HttpRequest) -> HttpResponse:
    form, qs = _ledger_queryset(request)
    qs, _drilled = _drill(request, form, qs)
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
