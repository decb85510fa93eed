"""Thin views: parse the form, check access through selectors, call one service."""

import datetime as dt
import uuid
from typing import Any
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qinqing.accounts.models import Organisation, OrgKind, Role
from qinqing.accounts.permissions import ensure, has_role, is_admin, role_required, scope_filter
from qinqing.core import figures as registry
from qinqing.core.forms import apply_errors
from qinqing.lib.masking import mask_name
from qinqing.ratings import selectors, services
from qinqing.ratings.forms import (
    CallbackForm,
    ContestForm,
    DecideForm,
    FilterForm,
    NoteForm,
    ObservationForm,
    ObserverInviteForm,
    RatingForm,
    WindowRatingForm,
)
from qinqing.ratings.metrics import rating_figures
from qinqing.ratings.models import (
    CallbackOutcome,
    Channel,
    Contest,
    ContestStatus,
    Observation,
    Observer,
    ServiceEvent,
)

STAFF = (Role.SUPERVISOR, Role.LEADER, Role.HANDLER, Role.DEPT_HEAD)


def period_from(form: FilterForm) -> tuple[dt.datetime | None, dt.datetime | None]:
    data = form.cleaned_data if form.is_valid() else {}
    tz = timezone.get_current_timezone()
    start = data.get("start")
    end = data.get("end")
    return (
        dt.datetime.combine(start, dt.time.min, tz) if start else None,
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tz) if end else None,
    )


def _drill_figure(request: HttpRequest, population: str) -> registry.Figure | None:
    """The registered figure a cockpit number links to (?figure=...), if it counts rows of
    `population`; the list then holds exactly the rows behind that number."""
    name = request.GET.get("figure", "")
    try:
        figure = registry.figure(name) if name else None
    except KeyError:
        return None
    return figure if figure is not None and figure.population == population else None


def _drill(
    figure: registry.Figure,
    request: HttpRequest,
    qs: Any,
    start: dt.datetime | None,
    end: dt.datetime | None,
) -> Any:
    part = request.GET.get("part") or None
    if part not in (None, *figure.parts()):
        part = None
    return registry.drill_down(figure.name, start=start, end=end, part=part, qs=qs)


@role_required(*STAFF)
def rating_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    start, end = period_from(form)
    qs = selectors.ratings_visible_to(request.user)
    figure = _drill_figure(request, "ratings")
    if figure is not None:
        qs = _drill(figure, request, qs, start, end)
    if start:
        qs = qs.filter(rated_at__gte=start)
    if end:
        qs = qs.filter(rated_at__lt=end)
    if form.is_valid():
        if form.cleaned_data.get("department"):
            qs = qs.filter(department=form.cleaned_data["department"])
        if form.cleaned_data.get("bad"):
            qs = qs.filter(is_bad=True)
    level = request.GET.get("level")
    if level and level.isdigit():
        qs = qs.filter(level=int(level))
    (total,) = rating_figures(by="all", qs=qs)
    page = Paginator(qs.select_related("rectification"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "ratings/list.html",
        {
            "form": form,
            "page": page,
            "total": total,
            "figure": figure,
            "query": request.GET.urlencode(),
            "title": _("Ratings"),
        },
    )


@role_required(*STAFF)
def service_list(request: HttpRequest) -> HttpResponse:
    """Services rendered (服务事件) and whether each was rated: what 办件量, 已评价 and 参评率
    count."""
    form = FilterForm(request.GET or None)
    start, end = period_from(form)
    qs = selectors.events_visible_to(request.user)
    figure = _drill_figure(request, "service_events")
    if figure is not None:
        qs = _drill(figure, request, qs, start, end)
    if start:
        qs = qs.filter(occurred_at__gte=start)
    if end:
        qs = qs.filter(occurred_at__lt=end)
    if form.is_valid() and form.cleaned_data.get("department"):
        qs = qs.filter(department=form.cleaned_data["department"])
    page = Paginator(qs.select_related("rating").order_by("-occurred_at", "-id"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "ratings/services.html",
        {
            "form": form,
            "page": page,
            "figure": figure,
            "query": request.GET.urlencode(),
            "title": _("Services rendered"),
        },
    )


@role_required(*STAFF)
def figures(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    start, end = period_from(form)
    by = (form.cleaned_data.get("by") if form.is_valid() else "") or "department"
    rows = rating_figures(
        start=start, end=end, by=by, qs=selectors.ratings_visible_to(request.user)
    )
    base = {k: v for k, v in request.GET.items() if k in {"start", "end"} and v}
    return render(
        request,
        "ratings/figures.html",
        {
            "form": form,
            "rows": rows,
            "by": by,
            "base_query": urlencode(base),
            "title": _("Rating figures"),
        },
    )


@login_required
def rating_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rating = selectors.access_rating(request.user, pk)
    rect = getattr(rating, "rectification", None) if rating.is_bad else None
    dept = rating.department
    overseer = selectors.is_overseer(request.user, dept)
    unit = selectors.is_rated_unit(request.user, dept)
    pending = rating.contests.filter(status=ContestStatus.PENDING).first()
    return render(
        request,
        "ratings/detail.html",
        {
            "rating": rating,
            "rect": rect,
            "events": rating.events.select_related("actor"),
            "contests": rating.contests.select_related("filed_by", "decided_by"),
            "pending_contest": pending,
            "overseer": overseer,
            "unit": unit,
            "note_form": NoteForm(),
            "callback_form": CallbackForm(),
            "contest_form": ContestForm(),
            "decide_form": DecideForm(),
            "served_name": mask_name(str(rating.event.served_user or "")),
            "title": _("Rating"),
        },
    )


@require_POST
@login_required
def rating_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    rating = selectors.access_rating(request.user, pk)
    dept = rating.department
    overseer = selectors.is_overseer(request.user, dept)
    unit = selectors.is_rated_unit(request.user, dept)
    allowed = {
        "verify": overseer,
        "callback": overseer,
        "decide": overseer,
        "rectify": unit or overseer,
        "contest": unit,
    }
    if action not in allowed:
        raise Http404
    ensure(allowed[action], request, request.user, f"ratings:{action}", rating=rating.pk)
    form_class = {"callback": CallbackForm, "contest": ContestForm, "decide": DecideForm}.get(
        action, NoteForm
    )
    form = form_class(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        data = form.cleaned_data
        rect = getattr(rating, "rectification", None)
        if action in {"verify", "rectify", "callback"} and rect is None:
            raise ValidationError(_("This rating has no rectification case."))
        if action == "verify":
            rect = services.verify_rectification(rect, actor=request.user, note=data["note"])
            done = _("Verified; the unit now rectifies it by %(due)s.") % {
                "due": date_format(timezone.localtime(rect.due_at), "MONTH_DAY_FORMAT")
            }
        elif action == "rectify":
            services.record_rectification(rect, actor=request.user, note=data["note"])
            done = _("Rectification recorded; the enterprise is called back next.")
        elif action == "callback":
            services.record_callback(
                rect, actor=request.user, outcome=data["outcome"], note=data["note"]
            )
            done = _("Call-back recorded: %(outcome)s; the case is closed.") % {
                "outcome": CallbackOutcome(data["outcome"]).label
            }
        elif action == "contest":
            services.file_contest(rating, actor=request.user, reason=data["reason"])
            done = _("Contest filed; the supervisor decides whether the rating stands.")
        else:
            contest = get_object_or_404(Contest, rating=rating, status=ContestStatus.PENDING)
            services.decide_contest(
                contest, actor=request.user, accept=data["accept"], note=data["note"]
            )
            done = (
                _("Contest accepted: the rating no longer counts.")
                if data["accept"]
                else _("Contest rejected: the rating stands.")
            )
        messages.success(request, done)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    return redirect("ratings:detail", pk=rating.pk)


@login_required
def my_events(request: HttpRequest) -> HttpResponse:
    """The person served: services waiting for a rating, and ratings already given."""
    return render(
        request,
        "ratings/mine.html",
        {
            "to_rate": selectors.events_to_rate(request.user)[:100],
            "given": selectors.ratings_visible_to(request.user).filter(rated_by=request.user)[:100],
            "observer": selectors.observer_of(request.user),
            "title": _("Rate our services"),
        },
    )


def _rating_page(request: HttpRequest, event: ServiceEvent, channel: str) -> HttpResponse:
    existing = getattr(event, "rating", None) if event.pk else None
    if existing is not None:
        return render(request, "ratings/thanks.html", {"rating": existing, "title": _("Thank you")})
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rating = services.submit_rating(
                event, actor=request.user, channel=channel, **form.cleaned_data
            )
            return render(
                request, "ratings/thanks.html", {"rating": rating, "title": _("Thank you")}
            )
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(
        request,
        "ratings/rate.html",
        {"form": form, "event": event, "title": _("Rate this service")},
    )


@login_required
def rate_event(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(ServiceEvent.objects.select_related("department", "window"), pk=pk)
    ensure(
        selectors.may_rate_on_web(request.user, event),
        request,
        request.user,
        "ratings:rate",
        event=pk,
    )
    return _rating_page(request, event, Channel.WEB)


def rate_by_token(request: HttpRequest, token: str) -> HttpResponse:
    """The public page behind a service event's QR code (一事一评): the token is the key."""
    return _rating_page(request, selectors.access_event_by_token(token), Channel.QR)


def rate_at_window(request: HttpRequest, token: str) -> HttpResponse:
    """The public page behind a window's QR code (一次一评): each visit becomes an event."""
    point = selectors.access_point_by_token(token)
    form = WindowRatingForm(request.POST or None, initial={"visit_key": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rating = services.rate_at_window(
                point,
                visit_key=str(data["visit_key"]),
                level=data["level"],
                tags=data["tags"],
                comment=data["comment"],
                matter=data["matter"],
                actor=request.user,
            )
            return render(
                request, "ratings/thanks.html", {"rating": rating, "title": _("Thank you")}
            )
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(
        request,
        "ratings/rate.html",
        {"form": form, "window": point.window, "title": _("Rate this window")},
    )


@role_required(Role.INTAKE_OPERATOR, Role.SUPERVISOR)
def phone_rating(request: HttpRequest, pk: int) -> HttpResponse:
    """An operator records what the person said on the phone (channel: phone)."""
    event = get_object_or_404(ServiceEvent.objects.select_related("department", "window"), pk=pk)
    ensure(
        selectors.may_record_phone_rating(request.user, event),
        request,
        request.user,
        "ratings:phone",
        event=pk,
    )
    return _rating_page(request, event, Channel.PHONE)


def _svg(url: str) -> HttpResponse:
    qr = segno.make(url, error="m")
    return HttpResponse(qr.svg_inline(scale=6, dark="#111"), content_type="image/svg+xml")


def _windows_in_scope(user: Any) -> Any:
    windows = Organisation.objects.filter(kind=OrgKind.WINDOW, is_active=True)
    return windows if is_admin(user) else windows.filter(scope_filter(user, field=""))


@role_required(*STAFF, Role.INTAKE_OPERATOR)
def points(request: HttpRequest) -> HttpResponse:
    windows = _windows_in_scope(request.user)
    if request.method == "POST":
        window = get_object_or_404(windows, pk=request.POST.get("window"))
        services.ensure_rating_point(window)
        return redirect("ratings:points")
    existing = selectors.points_visible_to(request.user)
    windows = windows.exclude(pk__in=existing.values("window_id"))
    return render(
        request,
        "ratings/points.html",
        {"points": existing, "windows": windows, "title": _("Window QR codes")},
    )


@role_required(*STAFF, Role.INTAKE_OPERATOR)
def point_qr(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_object_or_404(selectors.points_visible_to(request.user), pk=pk)
    return _svg(request.build_absolute_uri(reverse("ratings:window", args=[point.token])))


@login_required
def event_qr(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(selectors.events_visible_to(request.user), pk=pk)
    return _svg(request.build_absolute_uri(reverse("ratings:token", args=[event.token])))


# --- Observers ----------------------------------------------------------------------


@login_required
def observers(request: HttpRequest) -> HttpResponse:
    ensure(selectors.may_invite_observers(request.user), request, request.user, "ratings:observers")
    form = ObserverInviteForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        division = (
            Organisation.objects.filter(
                scope_filter(request.user, Role.SUPERVISOR, Role.LEADER, Role.ADMIN, field=""),
                kind=OrgKind.DIVISION,
            )
            .order_by("depth")
            .first()
        )
        try:
            if division is None:
                raise ValidationError({"username": _("You act for no division.")})
            created = services.invite_observer(
                actor=request.user, division=division, **form.cleaned_data
            )
            form = ObserverInviteForm()
        except ValidationError as exc:
            apply_errors(form, exc)
    observations = Observation.objects.filter(
        event__in=selectors.events_visible_to(request.user)
    ).select_related("observer__user", "event", "event__department", "event__rating")[:100]
    people = Observer.objects.select_related("user", "division")
    if not is_admin(request.user):
        people = people.filter(scope_filter(request.user, field="division"))
    return render(
        request,
        "ratings/observers.html",
        {
            "form": form,
            "created": created,
            "observations": observations,
            "observers": people,
            "title": _("Observers"),
        },
    )


@login_required
def observe(request: HttpRequest) -> HttpResponse:
    observer = selectors.observer_of(request.user)
    ensure(observer is not None, request, request.user, "ratings:observe")
    assert observer is not None
    form = ObservationForm(request.POST or None, initial={"key": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            obs = services.record_observation(
                observer,
                where=data["where"],
                department=data["department"],
                window=data["window"],
                matter=data["matter"],
                narrative=data["narrative"],
                problem=data["problem"],
                key=data["key"].hex,
            )
            messages.success(request, _("Observation recorded. Please rate the service."))
            return redirect("ratings:rate", pk=obs.event_id)
        except ValidationError as exc:
            apply_errors(form, exc)
    mine = observer.observations.select_related("event", "event__department", "event__rating")[:50]
    return render(
        request,
        "ratings/observe.html",
        {"form": form, "mine": mine, "title": _("Record an observation")},
    )


@require_POST
@role_required(Role.INTAKE_OPERATOR, Role.SUPERVISOR)
def observation_to_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff turn an observation's problem into an appeal with its clocks."""
    obs = get_object_or_404(
        Observation.objects.filter(
            scope_filter(
                request.user, Role.INTAKE_OPERATOR, Role.SUPERVISOR, field="observer__division"
            )
        ).select_related("event", "event__department", "observer__user", "observer__division"),
        pk=pk,
    )
    try:
        number = services.turn_observation_into_appeal(obs, actor=request.user)
        messages.success(request, _("Registered as appeal %(number)s.") % {"number": number})
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    return redirect("ratings:observers")


def staff_home(user: Any) -> dict[str, Any] | None:
    if not (has_role(user, *STAFF) or is_admin(user)):
        return None
    rects = selectors.rectifications_visible_to(user).filter(
        status__in=["open", "verified", "rectified"]
    )
    return {
        "open_rectifications": rects.count(),
        "overdue": rects.filter(due_at__lt=timezone.now()).count(),
    }
