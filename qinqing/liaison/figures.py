"""The figures of liaison work, each with one definition that every screen, export, the
API, the cockpit and the assessment read.

- coverage: share of a pool's enterprises with at least one active liaison (a person or
  an organisation) today; "overloaded": a person with more than MAX_LOAD enterprises;
- visits: visits recorded in the period; "not visited": enterprises with an active
  liaison and no visit in the last N days;
- round report (四帮一体验, Yongchuan's figures): cadres and enterprises with a stay;
  policies helped = items brought in person during stays plus applications linked as
  evidence; problems raised = difficulties raised during stays; closed = their appeal is
  closed (办结); open = the rest; money = sum of the money involved in those problems;
- series (政企活动): 期 = activities; enterprises = distinct attending enterprises;
  诉求 = difficulties raised there that became appeals; 已解决 = those appeals the
  enterprise confirmed solved at the call-back (the appeals' 问题解决率 numerator).
"""

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from qinqing.enterprises.models import Enterprise, Pool, Qualification, QualificationKind
from qinqing.liaison import selectors
from qinqing.liaison.models import (
    SCORE_ITEMS,
    Activity,
    ActivitySeries,
    CheckIn,
    Difficulty,
    Evidence,
    Liaison,
    Outcome,
    OutcomeKind,
    Participation,
    PolicyPush,
    Round,
    RoundStatus,
    Score,
    Stay,
    StayRequest,
    TaskKind,
    Verification,
    Visit,
)

MAX_LOAD = 10  # enterprises per person before "too many"
CLOSED = "closed"
FINAL = ("closed", "withdrawn", "duplicate")


# --- pools and coverage ------------------------------------------------------------------
def pool_choices() -> list[tuple[str, str]]:
    choices = [(f"q:{k}", str(label)) for k, label in QualificationKind.choices]
    choices += [(f"p:{p.pk}", p.name) for p in Pool.objects.order_by("name")]
    return choices


def pool_enterprises(key: str, day: dt.date | None = None) -> QuerySet[Enterprise]:
    """Enterprises in a pool on `day`: "q:<kind>" (a valid qualification) or "p:<id>"."""
    day = day or timezone.localdate()
    kind, _, value = key.partition(":")
    if kind == "q" and value in QualificationKind.values:
        ids = Qualification.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day), kind=value, valid_from__lte=day
        ).values("enterprise_id")
        return Enterprise.objects.filter(pk__in=ids)
    if kind == "p" and value.isdigit():
        return Enterprise.objects.filter(
            pool_memberships__pool_id=int(value), pool_memberships__exited_on__isnull=True
        ).distinct()
    return Enterprise.objects.none()


def coverage(key: str, *, user: Any, day: dt.date | None = None) -> dict[str, Any]:
    day = day or timezone.localdate()
    enterprises = pool_enterprises(key, day).filter(
        pk__in=selectors.enterprises_visible_to(user).values("pk")
    )
    active = Liaison.objects.filter(selectors.active_on(day))
    covered_ids = set(
        active.filter(enterprise__in=enterprises).values_list("enterprise_id", flat=True)
    )
    total = enterprises.count()
    uncovered = list(enterprises.exclude(pk__in=covered_ids).order_by("name")[:500])
    loads = (
        active.filter(cadre__isnull=False)
        .filter(pk__in=selectors.liaisons_visible_to(user).values("pk"))
        .values("cadre_id", "cadre__full_name", "cadre__username")
        .annotate(n=Count("enterprise", distinct=True))
        .filter(n__gt=MAX_LOAD)
        .order_by("-n")
    )
    return {
        "total": total,
        "covered": len(covered_ids),
        "rate": (len(covered_ids) / total) if total else None,
        "uncovered": uncovered,
        "overloaded": [
            {
                "cadre_id": r["cadre_id"],
                "name": r["cadre__full_name"] or r["cadre__username"],
                "count": r["n"],
            }
            for r in loads
        ],
    }


# --- visits ----------------------------------------------------------------------------------
def visits_per_cadre(visits: QuerySet[Visit]) -> list[dict[str, Any]]:
    return list(
        visits.values("cadre_id", "cadre__full_name")
        .annotate(
            n=Count("id"), enterprises=Count("enterprise", distinct=True), last=Max("visited_on")
        )
        .order_by("-n")
    )


def visits_per_enterprise(visits: QuerySet[Visit]) -> list[dict[str, Any]]:
    return list(
        visits.values("enterprise_id", "enterprise__name")
        .annotate(n=Count("id"), last=Max("visited_on"))
        .order_by("-n")
    )


def not_visited(*, user: Any, days: int, day: dt.date | None = None) -> list[dict[str, Any]]:
    """Enterprises with an active liaison visible to `user` and no visit in `days` days."""
    day = day or timezone.localdate()
    since = day - dt.timedelta(days=days)
    assigned = selectors.liaisons_visible_to(user).filter(selectors.active_on(day))
    ids = set(assigned.values_list("enterprise_id", flat=True))
    last = dict(
        Visit.objects.filter(enterprise_id__in=ids)
        .values("enterprise_id")
        .annotate(last=Max("visited_on"))
        .values_list("enterprise_id", "last")
    )
    names = dict(Enterprise.objects.filter(pk__in=ids).values_list("pk", "name"))
    rows = [
        {
            "enterprise_id": pk,
            "name": names.get(pk, ""),
            "last": last.get(pk),
            "days": (day - last[pk]).days if last.get(pk) else None,
        }
        for pk in ids
        if last.get(pk) is None or last[pk] < since
    ]
    return sorted(rows, key=lambda r: (r["last"] is not None, r["last"] or dt.date.min, r["name"]))


# --- stays ----------------------------------------------------------------------------------
def checklist(stay: Stay) -> list[dict[str, Any]]:
    """The 五个一 of a stay: each task, whether it is done, and the evidence. A problem
    counts as solved only when its appeal is closed."""
    evidence = list(
        Evidence.objects.filter(stay=stay).select_related(
            "difficulty__appeal", "push__item", "application__item"
        )
    )
    rows = []
    for task, label in TaskKind.choices:
        items = [e for e in evidence if e.task == task]
        if task == TaskKind.PROBLEM:
            done = any(
                e.difficulty and e.difficulty.appeal and e.difficulty.appeal.status == CLOSED
                for e in items
            )
        else:
            done = bool(items)
        rows.append({"task": task, "label": label, "done": done, "evidence": items})
    return rows


def stay_days(stay: Stay) -> list[dict[str, Any]]:
    """Per day of the stay so far: check-in, check-out and the note."""
    today = timezone.localdate()
    checks: dict[tuple[dt.date, str], CheckIn] = {(c.day, c.kind): c for c in stay.checkins.all()}
    notes = {n.day: n for n in stay.notes.all()}
    rows = []
    day = stay.starts_on
    while day <= min(stay.ends_on, today):
        rows.append(
            {
                "day": day,
                "in": checks.get((day, "in")),
                "out": checks.get((day, "out")),
                "note": notes.get(day),
            }
        )
        day += dt.timedelta(days=1)
    return list(reversed(rows))


def round_report(round_: Round, stays: QuerySet[Stay] | None = None) -> dict[str, Any]:
    stays = stays if stays is not None else round_.stays.all()
    stay_ids = list(stays.values_list("pk", flat=True))
    problems = Difficulty.objects.filter(stay_id__in=stay_ids)
    closed = problems.filter(appeal__status=CLOSED).count()
    raised = problems.count()
    policies = (
        PolicyPush.objects.filter(stay_id__in=stay_ids).count()
        + Evidence.objects.filter(stay_id__in=stay_ids, application__isnull=False).count()
    )
    money = problems.aggregate(s=Sum("money"))["s"] or Decimal("0")
    checks = CheckIn.objects.filter(stay_id__in=stay_ids)
    verifications = Verification.objects.filter(stay_id__in=stay_ids).exclude(result="")
    scores = Score.objects.filter(stay_id__in=stay_ids)
    requests = StayRequest.objects.filter(round=round_)
    done = Counter()
    for stay in stays:
        for row in checklist(stay):
            done[row["task"]] += row["done"]
    return {
        "cadres": stays.values("cadre").distinct().count(),
        "enterprises": stays.values("enterprise").distinct().count(),
        "stays": len(stay_ids),
        "policies": policies,
        "problems": raised,
        "problems_closed": closed,
        "problems_open": raised - closed,
        "money": money,
        "checkins": checks.filter(kind="in").count(),
        "out_of_range": checks.filter(in_range=False).count(),
        "no_location": checks.filter(in_range__isnull=True).count(),
        "verified": verifications.count(),
        "absent": verifications.filter(result="absent").count(),
        "scored": scores.count(),
        "average_score": scores.aggregate(a=Avg("total"))["a"],
        "extend_requests": requests.filter(kind="extend").count(),
        "named_requests": requests.filter(kind="named").count(),
        "tasks": [(label, done[task]) for task, label in TaskKind.choices],
    }


def score_items_labels() -> dict[str, str]:
    return dict(SCORE_ITEMS)


# --- activities -------------------------------------------------------------------------
def activity_figures(activities: QuerySet[Activity]) -> dict[str, Any]:
    ids = list(activities.values_list("pk", flat=True))
    appeals = Difficulty.objects.filter(activity_id__in=ids, appeal__isnull=False)
    return {
        "sessions": len(ids),
        "enterprises": Participation.objects.filter(activity_id__in=ids, attended=True)
        .values("enterprise")
        .distinct()
        .count(),
        "appeals": appeals.count(),
        "solved": appeals.filter(appeal__callback_solved=True).count(),
        "closed": appeals.filter(appeal__status=CLOSED).count(),
    }


def series_figures(series: ActivitySeries) -> dict[str, Any]:
    return activity_figures(Activity.objects.filter(series=series))


def outcome_figures(activities: QuerySet[Activity]) -> dict[str, Any]:
    outcomes = Outcome.objects.filter(activity__in=activities)
    by_kind = {
        r["kind"]: r for r in outcomes.values("kind").annotate(n=Sum("count"), amount=Sum("amount"))
    }
    labels = dict(OutcomeKind.choices)
    return {
        "by_kind": [
            {
                "kind": k,
                "label": labels[k],
                "count": by_kind.get(k, {}).get("n") or 0,
                "amount": by_kind.get(k, {}).get("amount"),
            }
            for k in OutcomeKind.values
        ],
        "loans_by_bank": list(
            outcomes.filter(kind__in=["loan_requested", "loan_granted"])
            .values("bank")
            .annotate(
                requested=Sum("amount", filter=Q(kind="loan_requested")),
                granted=Sum("amount", filter=Q(kind="loan_granted")),
                n=Sum("count"),
            )
            .order_by("bank")
        ),
    }


# --- cockpit ------------------------------------------------------------------------------
def cockpit_summary(
    user: Any, *, day: dt.date | None = None, pool: str = "q:above_scale"
) -> dict[str, Any]:
    """What the cockpit panel shows (figures only; drill-down at /liaison/overview/)."""
    day = day or timezone.localdate()
    cov = coverage(pool, user=user, day=day)
    visits = selectors.visits_visible_to(user).filter(
        visited_on__gt=day - dt.timedelta(days=30), visited_on__lte=day
    )
    open_rounds = Round.objects.filter(status=RoundStatus.OPEN)
    stays = selectors.stays_visible_to(user).filter(round__in=open_rounds)
    current = stays.filter(starts_on__lte=day, ends_on__gte=day)
    checked = CheckIn.objects.filter(stay__in=current, day=day, kind="in")
    return {
        "pool": pool,
        "coverage_total": cov["total"],
        "coverage_covered": cov["covered"],
        "coverage_rate": cov["rate"],
        "overloaded": len(cov["overloaded"]),
        "visits_30d": visits.count(),
        "enterprises_visited_30d": visits.values("enterprise").distinct().count(),
        "rounds_open": open_rounds.count(),
        "stays_today": current.count(),
        "checked_in_today": checked.count(),
        "out_of_range_today": checked.filter(in_range=False).count(),
        "activities": activity_figures(Activity.objects.filter(held_on__lte=day)),
    }


# --- assessment -------------------------------------------------------------------------
def stay_score_by_department(
    department_ids: list[int], start: dt.datetime, end: dt.datetime
) -> dict[int, float | None]:
    """Average enterprise score of the department's stationed cadres, as a share of 100."""
    rows = (
        Score.objects.filter(
            stay__department_id__in=department_ids, scored_at__gte=start, scored_at__lt=end
        )
        .values("stay__department_id")
        .annotate(a=Avg("total"))
        .order_by()
    )
    return {r["stay__department_id"]: float(r["a"]) / 100 for r in rows}


def visit_rate_by_department(
    department_ids: list[int], start: dt.datetime, end: dt.datetime
) -> dict[int, float | None]:
    """Share of the enterprises a department (or its cadres) is linked to that had at
    least one visit by the department's cadres in the period."""
    from qinqing.accounts.models import Membership

    day = timezone.localtime(end - dt.timedelta(seconds=1)).date()
    members: dict[int, set[int]] = {}
    for user_id, org_id in Membership.objects.filter(
        organisation_id__in=department_ids
    ).values_list("user_id", "organisation_id"):
        members.setdefault(org_id, set()).add(user_id)
    result: dict[int, float | None] = {}
    for dept in department_ids:
        people = members.get(dept, set())
        linked = set(
            Liaison.objects.filter(selectors.active_on(day))
            .filter(Q(organisation_id=dept) | Q(cadre_id__in=people))
            .values_list("enterprise_id", flat=True)
        )
        if not linked:
            continue
        visited = set(
            Visit.objects.filter(
                enterprise_id__in=linked,
                cadre_id__in=people,
                visited_on__gte=timezone.localtime(start).date(),
                visited_on__lte=day,
            ).values_list("enterprise_id", flat=True)
        )
        result[dept] = len(visited) / len(linked)
    return result
