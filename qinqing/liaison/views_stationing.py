"""Pages of 四帮一体验 rounds: the officer's set-up, the cadre's phone page, supervision,
the enterprise's score and requests, and the leader's report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinqing.accounts.permissions import ensure, enterprise_uscc
from qinqing.core.forms import apply_errors, errors_of
from qinqing.liaison import figures, selectors, services, stationing
from qinqing.liaison.exports import xlsx_response
from qinqing.liaison.forms import (
    DecideForm,
    DifficultyForm,
    EvidenceForm,
    NoteForm,
    RequestForm,
    RoundForm,
    ScoreForm,
    StayForm,
    VerificationForm,
)
from qinqing.liaison.models import Evidence, PolicyPush, RoundStatus, StayRequest
from qinqing.liaison.transitions import ROUND_STATUS_ZH
from qinqing.liaison.views import difficulty_message, want_xlsx, zh_date


@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    officer = selectors.is_officer(request.user)
    form = RoundForm(request.POST or None) if officer else None
    if request.method == "POST":
        ensure(officer, request, request.user, "liaison:create_round")
        assert form is not None
        if form.is_valid():
            try:
                round_ = stationing.create_round(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"已创建批次“{round_.name}”，请安排驻企干部后启动")
                return redirect("liaison:round", round_.pk)
    qs = selectors.rounds_visible_to(request.user)
    return render(
        request,
        "liaison/rounds.html",
        {"title": "四帮一体验 驻企批次", "rounds": qs, "form": form, "status_zh": ROUND_STATUS_ZH},
    )


@login_required
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = selectors.access_round(request.user, round_id)
    officer = selectors.is_officer(request.user)
    form = (
        StayForm(request.POST or None, initial={"starts_on": round_.starts_on}) if officer else None
    )
    if request.method == "POST":
        ensure(officer, request, request.user, "liaison:plan_stay")
        assert form is not None
        if form.is_valid():
            try:
                stay = stationing.plan_stay(round_, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"已安排{stay.cadre.display_name}于{zh_date(stay.starts_on)}至"
                    f"{zh_date(stay.ends_on)}进驻{stay.enterprise.name}",
                )
                return redirect("liaison:round", round_.pk)
    stays = (
        selectors.stays_visible_to(request.user)
        .filter(round=round_)
        .select_related("cadre", "enterprise", "department", "score")
    )
    if want_xlsx(request):
        return xlsx_response(
            "stays",
            "驻企安排",
            ["干部", "部门", "企业", "进驻", "期满", "签到天数", "企业评分"],
            (
                [
                    s.cadre.display_name,
                    s.department.name,
                    s.enterprise.name,
                    s.starts_on,
                    s.ends_on,
                    s.checkins.filter(kind="in").count(),
                    getattr(getattr(s, "score", None), "total", None),
                ]
                for s in stays
            ),
        )
    return render(
        request,
        "liaison/round.html",
        {
            "title": round_.name,
            "round": round_,
            "stays": stays,
            "form": form,
            "officer": officer,
            "oversees": selectors.oversees(request.user),
            "status_zh": ROUND_STATUS_ZH.get(round_.status, round_.status),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def round_move(request: HttpRequest, round_id: int, action: str) -> HttpResponse:
    round_ = selectors.access_round(request.user, round_id)
    try:
        if action == "open":
            stationing.open_round(round_, actor=request.user)
            messages.success(request, f"批次已启动，已通知 {round_.stays.count()} 名驻企干部")
        elif action == "close":
            stationing.close_round(round_, actor=request.user)
            messages.success(request, "批次已结束，驻企报告中的数字已定稿")
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, errors_of(exc))
    return redirect("liaison:round", round_.pk)


@login_required
def round_report(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = selectors.access_round(request.user, round_id)
    ensure(selectors.oversees(request.user), request, request.user, "liaison:round_report")
    stays = selectors.stays_visible_to(request.user).filter(round=round_)
    report = figures.round_report(round_, stays)
    if want_xlsx(request):
        rows = [
            ("进驻干部（人）", report["cadres"]),
            ("进驻企业（家）", report["enterprises"]),
            ("对接政策（项）", report["policies"]),
            ("收集问题（个）", report["problems"]),
            ("已解决（个）", report["problems_closed"]),
            ("正在解决（个）", report["problems_open"]),
            ("涉及金额（万元）", report["money"]),
            ("企业评分（平均）", report["average_score"]),
        ]
        return xlsx_response("round-report", "驻企报告", ["项目", "数值"], rows)
    return render(
        request,
        "liaison/round_report.html",
        {"title": f"{round_.name} 驻企报告", "round": round_, "r": report},
    )


# --- the cadre's stay page -------------------------------------------------------------
@login_required
def stay(request: HttpRequest, stay_id: int) -> HttpResponse:
    stay = selectors.access_stay(request.user, stay_id)
    own = stay.cadre_id == request.user.pk
    today = timezone.localdate()
    checks = {c.kind: c for c in stay.checkins.filter(day=today)}
    note = stay.notes.filter(day=today).first()
    in_stay = stay.starts_on <= today <= stay.ends_on and stay.round.status == RoundStatus.OPEN
    return render(
        request,
        "liaison/stay.html",
        {
            "title": f"驻企：{stay.enterprise.name}",
            "stay": stay,
            "own": own,
            "in_stay": in_stay,
            "today": today,
            "checked_in": checks.get("in"),
            "checked_out": checks.get("out"),
            "note_form": NoteForm(initial={"text": note.text if note else ""}),
            "checklist": figures.checklist(stay),
            "days": figures.stay_days(stay),
            "difficulties": stay.difficulties.select_related("appeal"),
            "pushes": stay.pushes.select_related("item"),
            "policies": selectors.matched_items(stay.enterprise) if own else [],
            "difficulty_form": DifficultyForm(),
            "evidence_form": EvidenceForm(),
            "has_location": stay.enterprise.lat is not None,
            "radius": stay.round.radius_m,
        },
    )


@login_required
@require_POST
def stay_check(request: HttpRequest, stay_id: int) -> HttpResponse:
    """Check-in or check-out; answers JSON to the page's script, or redirects."""
    stay = selectors.access_stay(request.user, stay_id)
    try:
        check = stationing.check_in(
            stay,
            actor=request.user,
            kind=request.POST.get("kind", ""),
            lat=request.POST.get("lat"),
            lng=request.POST.get("lng"),
            accuracy=request.POST.get("accuracy"),
        )
    except ValidationError as exc:
        message, ok, flagged = errors_of(exc), False, False
    else:
        message = stationing.checkin_message(check, stay.round.radius_m)
        ok, flagged = True, check.in_range is not True
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(
            {"ok": ok, "flagged": flagged, "message": message}, status=200 if ok else 422
        )
    (messages.warning if flagged or not ok else messages.success)(request, message)
    return redirect("liaison:stay", stay.pk)


@login_required
@require_POST
def stay_note(request: HttpRequest, stay_id: int) -> HttpResponse:
    stay = selectors.access_stay(request.user, stay_id)
    form = NoteForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"text": "请填写今日工作动态。"})
        stationing.write_note(stay, actor=request.user, text=form.cleaned_data["text"])
    except ValidationError as exc:
        messages.error(request, errors_of(exc))
    else:
        messages.success(request, f"已保存{zh_date(timezone.localdate())}的工作动态")
    return redirect("liaison:stay", stay.pk)


@login_required
@require_POST
def stay_difficulty(request: HttpRequest, stay_id: int) -> HttpResponse:
    stay = selectors.access_stay(request.user, stay_id)
    form = DifficultyForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("；".join(e for es in form.errors.values() for e in es))
        d = services.raise_difficulty(
            stay.enterprise, actor=request.user, stay=stay, **form.cleaned_data
        )
        stationing.record_evidence(stay, actor=request.user, task="problem", difficulty=d)
    except ValidationError as exc:
        messages.error(request, errors_of(exc))
    else:
        messages.success(
            request, difficulty_message(d) + "；已计入五个一“解决1个困难问题”，办结后完成"
        )
    return redirect("liaison:stay", stay.pk)


@login_required
@require_POST
def stay_push(request: HttpRequest, stay_id: int) -> HttpResponse:
    from qinqing.policies.models import PolicyItem

    stay = selectors.access_stay(request.user, stay_id)
    item = get_object_or_404(PolicyItem, pk=request.POST.get("item", 0) or 0)
    try:
        push = services.push_policy(stay.enterprise, item, actor=request.user, stay=stay)
        if not Evidence.objects.filter(stay=stay, push=push).exists():
            stationing.record_evidence(stay, actor=request.user, task="policy", push=push)
    except ValidationError as exc:
        messages.error(request, errors_of(exc))
    else:
        messages.success(
            request, f"已向{stay.enterprise.name}推送“{item.title}”，计入五个一“对接1项政策”"
        )
    return redirect("liaison:stay", stay.pk)


@login_required
@require_POST
def stay_evidence(request: HttpRequest, stay_id: int) -> HttpResponse:
    stay = selectors.access_stay(request.user, stay_id)
    form = EvidenceForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError("；".join(e for es in form.errors.values() for e in es))
        d = form.cleaned_data
        evidence = stationing.record_evidence(
            stay,
            actor=request.user,
            task=d["task"],
            text=d["text"],
            on_date=d["on_date"],
            upload=d["upload"],
            push=PolicyPush.objects.filter(pk=d["push"], stay=stay).first() if d["push"] else None,
        )
    except ValidationError as exc:
        messages.error(request, errors_of(exc))
    else:
        messages.success(request, f"已记录五个一：{evidence.get_task_display()}")
    return redirect("liaison:stay", stay.pk)


@login_required
def evidence_file(request: HttpRequest, token: str) -> HttpResponse:
    item = get_object_or_404(Evidence, token=token)
    if not token:
        raise Http404
    selectors.access_stay(request.user, item.stay_id)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=item.file_name)


# --- supervision ----------------------------------------------------------------------------
@login_required
def verify(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = selectors.access_round(request.user, round_id)
    ensure(selectors.oversees(request.user), request, request.user, "liaison:verify")
    today = timezone.localdate()
    if request.method == "POST":
        try:
            drawn = stationing.draw_sample(round_, actor=request.user, day=today)
        except ValidationError as exc:
            messages.error(request, errors_of(exc))
        else:
            messages.success(request, f"已抽取今天的 {len(drawn)} 个驻企点，请电话或实地核实")
        return redirect("liaison:verify", round_.pk)
    sample = (
        selectors.verifications_visible_to(request.user)
        .filter(stay__round=round_)
        .select_related("stay__cadre", "stay__enterprise", "verified_by")
        .prefetch_related(Prefetch("stay__checkins"))
    )
    if want_xlsx(request):
        return xlsx_response(
            "verifications",
            "督查核实",
            ["日期", "干部", "企业", "方式", "结果", "说明"],
            (
                [
                    v.day,
                    v.stay.cadre.display_name,
                    v.stay.enterprise.name,
                    v.get_method_display(),
                    v.get_result_display(),
                    v.note,
                ]
                for v in sample
            ),
        )
    return render(
        request,
        "liaison/verify.html",
        {
            "title": f"{round_.name} 督查核实",
            "round": round_,
            "sample": sample,
            "today": today,
            "form": VerificationForm(),
        },
    )


@login_required
@require_POST
def verification_record(request: HttpRequest, verification_id: int) -> HttpResponse:
    verification = get_object_or_404(
        selectors.verifications_visible_to(request.user), pk=verification_id
    )
    form = VerificationForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("请选择核实方式和结果。")
        v = stationing.record_verification(verification, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, errors_of(exc))
    else:
        messages.success(
            request, f"已记录核实结果：{v.stay.cadre.display_name}{v.get_result_display()}"
        )
    return redirect("liaison:verify", verification.stay.round_id)


# --- the enterprise --------------------------------------------------------------------------
@login_required
def my_cadres(request: HttpRequest) -> HttpResponse:
    ensure(bool(enterprise_uscc(request.user)), request, request.user, "liaison:my_cadres")
    stays = selectors.stays_visible_to(request.user).select_related("cadre", "round", "score")
    today = timezone.localdate()
    return render(
        request,
        "liaison/my_cadres.html",
        {
            "title": "我的驻企与包联干部",
            "stays": stays,
            "today": today,
            "liaisons": selectors.liaisons_visible_to(request.user)
            .filter(selectors.active_on(today))
            .select_related("cadre", "organisation"),
            "requests": selectors.requests_visible_to(request.user),
            "request_form": RequestForm(),
            "rounds": selectors.rounds_visible_to(request.user).filter(status=RoundStatus.OPEN),
        },
    )


@login_required
def stay_score(request: HttpRequest, stay_id: int) -> HttpResponse:
    stay = selectors.access_stay(request.user, stay_id)
    ensure(stationing.may_score(request.user, stay), request, request.user, "liaison:score")
    form = ScoreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            score = stationing.score_stay(
                stay,
                actor=request.user,
                items=form.cleaned_data,
                comment=form.cleaned_data.get("comment", ""),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, f"已为{stay.cadre.display_name}评分 {score.total} 分，谢谢您的评价"
            )
            return redirect("liaison:my_cadres")
    existing = getattr(stay, "score", None)
    return render(
        request,
        "liaison/score.html",
        {
            "title": f"为驻企干部{stay.cadre.display_name}评分",
            "stay": stay,
            "form": form,
            "existing": existing,
            "checklist": figures.checklist(stay),
        },
    )


@login_required
@require_POST
def request_new(request: HttpRequest) -> HttpResponse:
    form = RequestForm(request.POST)
    round_id = request.POST.get("round", "")
    round_ = selectors.access_round(request.user, int(round_id)) if round_id.isdigit() else None
    try:
        if round_ is None or not form.is_valid():
            raise ValidationError("请填写申请类型、批次和理由。")
        d = form.cleaned_data
        stay = (
            selectors.stays_visible_to(request.user).filter(pk=d["stay"]).first()
            if d["stay"]
            else None
        )
        req = stationing.file_request(
            round_,
            actor=request.user,
            kind=d["kind"],
            reason=d["reason"],
            stay=stay,
            cadre_name=d["cadre_name"],
            days=d["days"],
        )
    except ValidationError as exc:
        messages.error(request, errors_of(exc))
    else:
        messages.success(request, f"{req.get_kind_display()}申请已提交，审批结果会通知您")
    return redirect("liaison:my_cadres")


@login_required
def requests(request: HttpRequest) -> HttpResponse:
    ensure(selectors.oversees(request.user), request, request.user, "liaison:requests")
    qs = selectors.requests_visible_to(request.user).select_related(
        "enterprise", "stay__cadre", "decided_by"
    )
    if request.method == "POST":
        req = get_object_or_404(
            StayRequest, pk=request.POST.get("request", 0) or 0, pk__in=qs.values("pk")
        )
        form = DecideForm(request.POST)
        form.is_valid()
        try:
            req = stationing.decide_request(
                req,
                actor=request.user,
                approve=request.POST.get("approve") == "1",
                note=form.cleaned_data.get("note", ""),
            )
        except ValidationError as exc:
            messages.error(request, errors_of(exc))
        else:
            messages.success(
                request,
                f"{req.enterprise.name}的{req.get_kind_display()}申请"
                f"{req.get_status_display()}，已通知企业",
            )
        return redirect("liaison:requests")
    return render(
        request,
        "liaison/requests.html",
        {
            "title": "加期与要人申请",
            "rows": qs,
            "form": DecideForm(),
            "officer": selectors.is_officer(request.user),
        },
    )
