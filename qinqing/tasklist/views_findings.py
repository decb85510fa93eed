"""Pages of inspection findings and their rectification cases."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinqing.accounts.models import Organisation
from qinqing.accounts.permissions import ensure
from qinqing.tasklist import events, selectors, services
from qinqing.tasklist.clocks import clock_words
from qinqing.tasklist.figures import due_between
from qinqing.tasklist.forms import FindingForm, ReviewForm, SubmissionForm
from qinqing.tasklist.models import FindingSource, FindingStatus
from qinqing.tasklist.views import (
    PAGE,
    apply_errors,
    date_param,
    manager_required,
    use_required,
    year_of,
)

OPEN = [FindingStatus.OPEN, FindingStatus.RETURNED]


@login_required
def findings(request: HttpRequest) -> HttpResponse:
    use_required(request)
    rows = selectors.findings_visible_to(request.user).select_related("organisation")
    params: dict[str, object] = {}
    unit = request.GET.get("unit", "")
    if unit.isdigit() and len(unit) < 10:
        rows = rows.filter(organisation_id=int(unit))
        params["unit"] = Organisation.objects.filter(pk=int(unit)).first()
    due_from, due_to = date_param(request, "due_from"), date_param(request, "due_to")
    if due_from or due_to:
        rows = rows.filter(due_between("due_at", due_from, due_to))
        params["due_from"], params["due_to"] = due_from, due_to
    status = request.GET.get("status", "")
    now = timezone.now()
    if status == "overdue":
        rows = rows.filter(status__in=OPEN, due_at__lt=now)
    elif status in FindingStatus.values:
        rows = rows.filter(status=status)
    source = request.GET.get("source", "")
    if source in FindingSource.values:
        rows = rows.filter(source=source)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "tasklist/findings.html",
        {
            "title": "巡察督查问题整改",
            "page": Paginator(rows.order_by("-found_on", "-pk"), PAGE).get_page(
                request.GET.get("page")
            ),
            "params": params,
            "status": status,
            "source": source,
            "sources": FindingSource.choices,
            "statuses": [*FindingStatus.choices, ("overdue", "已超期")],
            "now": now,
            "manages": selectors.manages(request.user),
            "query": query.urlencode(),
        },
    )


@login_required
def finding_new(request: HttpRequest) -> HttpResponse:
    manager_required(request, "finding_record")
    form = FindingForm(request.POST or None, year=year_of(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.record_finding(actor=request.user, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"问题 {item.number} 已登记，已通知被检查单位限期整改。")
            return redirect("tasklist:finding", item.pk)
    return render(request, "tasklist/finding_new.html", {"title": "登记问题", "form": form})


@login_required
def finding(request: HttpRequest, finding_id: int) -> HttpResponse:
    use_required(request)
    item = selectors.access_finding(request.user, finding_id)
    now = timezone.now()
    unit = selectors.is_finding_unit(request.user, item)
    manages = selectors.manages(request.user)
    return render(
        request,
        "tasklist/finding.html",
        {
            "title": f"{item.number} {item.title}",
            "finding": item,
            "submissions": item.submissions.select_related("submitted_by", "reviewed_by"),
            "timeline": events.timeline(f"finding:{item.pk}"),
            "clock": clock_words(item.due_at, now) if item.status in OPEN else "",
            "may_submit": unit and item.status in OPEN,
            "may_review": manages and item.status == FindingStatus.SUBMITTED,
            "submit_form": SubmissionForm(),
            "review_form": ReviewForm(),
        },
    )


@login_required
@require_POST
def finding_action(request: HttpRequest, finding_id: int, action: str) -> HttpResponse:
    use_required(request)
    item = selectors.access_finding(request.user, finding_id)
    try:
        if action == "submit":
            ensure(
                selectors.is_finding_unit(request.user, item),
                request,
                request.user,
                "tasklist:rectify",
            )
            form = SubmissionForm(request.POST)
            if not form.is_valid():
                raise ValidationError({"text": "请填写整改情况。"})
            services.submit_rectification(item, actor=request.user, text=form.cleaned_data["text"])
            messages.success(request, "整改情况已报送，等待验收。")
        elif action in ("accept", "return"):
            manager_required(request, "rectify_review")
            review = ReviewForm(request.POST)
            note = review.cleaned_data["note"] if review.is_valid() else ""
            services.review_rectification(
                item, actor=request.user, accept=action == "accept", note=note
            )
            messages.success(request, "已验收通过。" if action == "accept" else "已退回重新整改。")
        else:
            return redirect("tasklist:finding", item.pk)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("tasklist:finding", item.pk)
