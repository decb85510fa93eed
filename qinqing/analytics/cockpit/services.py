"""Cockpit writes: rebuilding the daily rollups and warming the overview snapshots."""

import datetime as dt
import time

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from qinqing.accounts.models import Organisation, OrgKind
from qinqing.analytics.cockpit.selectors import (
    APPEAL_SUMS,
    RATING_SUMS,
    Scope,
    _departments_under,
    _sums,
    overview,
)
from qinqing.analytics.models import (
    AppealCategoryDaily,
    AppealDaily,
    DivisionDaily,
    OverviewSnapshot,
    RatingDaily,
    RollupState,
)

ROLLING_DAYS = 60
# --- Rollups -------------------------------------------------------------------------


def _bounds(day_from: dt.date, day_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(day_from, dt.time.min, tz),
        dt.datetime.combine(day_to + dt.timedelta(days=1), dt.time.min, tz),
    )


def _record_state(name: str, day_from: dt.date, day_to: dt.date, rows: int, started: float) -> None:
    RollupState.objects.update_or_create(
        name=name,
        defaults={
            "refreshed_at": timezone.now(),
            "day_from": day_from,
            "day_to": day_to,
            "rows": rows,
            "seconds": round(time.perf_counter() - started, 3),
        },
    )


def refresh_appeal_rollup(day_from: dt.date, day_to: dt.date) -> int:
    from qinqing.appeals.models import OPEN_STATUSES, Appeal, Status

    started = time.perf_counter()
    start, end = _bounds(day_from, day_to)
    now = timezone.now()
    open_q = Q(status__in=list(OPEN_STATUSES))
    good = ["very_satisfied", "satisfied", "basic"]
    grouped = (
        Appeal.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(status=Status.DUPLICATE)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "division_id", "lead_department_id")
        .annotate(
            n_received=Count("id"),
            n_open=Count("id", filter=open_q),
            n_overdue=Count("id", filter=open_q & Q(next_due_at__lt=now)),
            n_closed=Count("id", filter=Q(status=Status.CLOSED)),
            n_ack_on_time=Count("id", filter=Q(ack_on_time=True)),
            n_ack_measured=Count("id", filter=Q(ack_on_time__isnull=False)),
            n_closed_on_time=Count("id", filter=Q(closed_on_time=True)),
            n_close_measured=Count("id", filter=Q(closed_on_time__isnull=False)),
            n_solved=Count("id", filter=Q(callback_solved=True)),
            n_solved_measured=Count("id", filter=Q(callback_solved__isnull=False)),
            n_satisfied=Count("id", filter=Q(rating__in=good)),
            n_rated=Count("id", filter=~Q(rating="")),
        )
        .order_by()
    )
    rows = [
        AppealDaily(
            day=r["day"],
            division_id=r["division_id"],
            department_id=r["lead_department_id"],
            **{k: r[f"n_{k}"] for k in APPEAL_SUMS},
        )
        for r in grouped
    ]
    categories = (
        Appeal.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(status=Status.DUPLICATE)
        .annotate(
            day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()),
            top=Coalesce("category__parent_id", "category_id"),
        )
        .values("day", "division_id", "top")
        .annotate(n=Count("id"))
        .order_by()
    )
    category_rows = [
        AppealCategoryDaily(
            day=r["day"], division_id=r["division_id"], category_id=r["top"], received=r["n"]
        )
        for r in categories
    ]
    with transaction.atomic():
        AppealDaily.objects.filter(day__gte=day_from, day__lte=day_to).delete()
        AppealDaily.objects.bulk_create(rows, batch_size=5000)
        AppealCategoryDaily.objects.filter(day__gte=day_from, day__lte=day_to).delete()
        AppealCategoryDaily.objects.bulk_create(category_rows, batch_size=5000)
        DivisionDaily.objects.filter(day__gte=day_from, day__lte=day_to).delete()
        DivisionDaily.objects.bulk_create(
            [
                DivisionDaily(
                    day=r["day"], division_id=r["division_id"], **{k: r[k] for k in APPEAL_SUMS}
                )
                for r in AppealDaily.objects.filter(day__gte=day_from, day__lte=day_to)
                .values("day", "division_id")
                .annotate(**_sums(APPEAL_SUMS))
                .order_by()
            ],
            batch_size=5000,
        )
        _record_state("appeals", day_from, day_to, len(rows) + len(category_rows), started)
    return len(rows)


def refresh_rating_rollup(day_from: dt.date, day_to: dt.date) -> int:
    from qinqing.ratings.models import Level, Rating, RectificationStatus

    started = time.perf_counter()
    start, end = _bounds(day_from, day_to)
    done = [RectificationStatus.RECTIFIED, RectificationStatus.CLOSED]
    grouped = (
        Rating.objects.filter(rated_at__gte=start, rated_at__lt=end, excluded=False)
        .annotate(day=TruncDate("rated_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "department_id")
        .annotate(
            count=Count("id"),
            good=Count("id", filter=Q(level__in=[Level.VERY_SATISFIED, Level.SATISFIED])),
            basic=Count("id", filter=Q(level=Level.BASIC)),
            bad=Count("id", filter=Q(is_bad=True)),
            rectified=Count("id", filter=Q(is_bad=True, rectification__status__in=done)),
            called_back=Count(
                "id", filter=Q(is_bad=True, rectification__status=RectificationStatus.CLOSED)
            ),
        )
        .order_by()
    )
    rows = [
        RatingDaily(
            day=r["day"], department_id=r["department_id"], **{k: r[k] for k in RATING_SUMS}
        )
        for r in grouped
    ]
    with transaction.atomic():
        RatingDaily.objects.filter(day__gte=day_from, day__lte=day_to).delete()
        RatingDaily.objects.bulk_create(rows, batch_size=5000)
        _record_state("ratings", day_from, day_to, len(rows), started)
    return len(rows)


def refresh_rollups(
    day_from: dt.date | None = None, day_to: dt.date | None = None
) -> dict[str, int]:
    today = timezone.localdate()
    day_to = day_to or today
    day_from = day_from or day_to - dt.timedelta(days=ROLLING_DAYS)
    counts = {
        "appeals": refresh_appeal_rollup(day_from, day_to),
        "ratings": refresh_rating_rollup(day_from, day_to),
    }
    counts["snapshots"] = warm_overviews()
    return counts


def warm_overviews(today: dt.date | None = None) -> int:
    """Compute the standard overview (this year to date) for every division and store it,
    so that the first leader to open the cockpit after a refresh does not wait."""
    today = today or timezone.localdate()
    start = today.replace(month=1, day=1)
    divisions = list(Organisation.objects.filter(kind=OrgKind.DIVISION).order_by("path"))
    done = 0
    for division in divisions:
        ids = {d.pk for d in divisions if d.path.startswith(division.path)}
        scope = Scope(full=True, division_ids=ids, department_ids=_departments_under(division))
        overview(scope, start, today, use_snapshot=False)
        done += 1
    OverviewSnapshot.objects.filter(computed_at__lt=timezone.now() - dt.timedelta(days=1)).delete()
    return done
