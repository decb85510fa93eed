"""好差评 in the demo, through the ratings services: appeals rated when they close, window
visits rated by QR code, online matters rated on the web, by phone and from the
政务服务网 (API), and every bad rating verified, rectified and called back (except the
most recent, left for the supervisor to do)."""

import datetime as dt
import random
import uuid
from dataclasses import dataclass

from django.db.models import Q

from qinqing.accounts.models import Organisation, OrgKind, User
from qinqing.appeals.models import Appeal
from qinqing.demo.clock import DemoClock
from qinqing.ratings import services
from qinqing.ratings.models import (
    CallbackOutcome,
    Channel,
    Level,
    Rating,
    Rectification,
    RectificationStatus,
    ServiceKind,
)

LEVEL_OF_APPEAL_RATING = {
    "very_satisfied": Level.VERY_SATISFIED,
    "satisfied": Level.SATISFIED,
    "basic": Level.BASIC,
    "unsatisfied": Level.DISSATISFIED,
    "very_unsatisfied": Level.VERY_DISSATISFIED,
}
BAD_TAGS = ("办理超时", "态度不好", "问题未解决", "推诿扯皮", "多次跑腿")
GOOD_TAGS = ("办事高效", "态度热情", "一次办好", "解释清楚")
BAD_COMMENTS = (
    "答复时间太长，问题拖了很久才有人联系。",
    "问题没有真正解决，只是电话里解释了一下政策。",
    "窗口人员态度冷淡，材料要求一次没说清楚，跑了三趟。",
    "网上办理系统经常卡顿，提交后很久没有进度。",
)
WINDOW_MATTERS = {
    "W-01": ("企业设立登记", "经营范围变更", "印章刻制", "发票申领"),
    "W-02": ("施工许可证核发", "竣工联合验收", "工程规划许可"),
    "W-03": ("诉求登记", "诉求进度查询"),
    "W-04": ("惠企政策咨询", "奖补资金申报"),
}
ONLINE_MATTERS = (
    ("D-SPJ", "食品经营许可证延续"),
    ("D-SCJ", "股权出质登记"),
    ("D-RSJ", "社保参保登记"),
    ("D-SWSWJ", "增值税申报"),
    ("D-ZJJ", "建筑业企业资质延续"),
    ("D-STHJJ", "排污登记"),
)


def rate_closed_appeal(appeal: Appeal, *, actor: User, online: bool) -> Rating | None:
    """The rating of a closed appeal: the call-back answer, as a 好差评 rating.

    Until closing an appeal records its service event itself (issue 14, "every handled
    matter is rated"), the demo records it here; afterwards this finds the event (and
    its rating, if the call-back already made one) and does nothing twice."""
    level = LEVEL_OF_APPEAL_RATING.get(appeal.rating)
    if level is None or appeal.lead_department is None:
        return None
    event = services.record_service_event(
        kind=ServiceKind.APPEAL,
        reference=f"appeal:{appeal.pk}",
        department=appeal.lead_department,
        occurred_at=appeal.closed_at,
        matter=appeal.title,
        served_user=actor if online else None,
        served_phone=appeal.requester_phone,
    )
    existing = Rating.objects.filter(event=event).first()
    if existing is not None:
        return existing
    bad = level in (Level.DISSATISFIED, Level.VERY_DISSATISFIED)
    return services.submit_rating(
        event,
        actor=actor,
        level=level,
        channel=Channel.WEB if online else Channel.PHONE,
        tags=[BAD_TAGS[appeal.pk % len(BAD_TAGS)]] if bad else [],
        comment=BAD_COMMENTS[appeal.pk % len(BAD_COMMENTS)] if bad else "",
    )


@dataclass
class RatingCast:
    supervisor: User
    operator: User  # 12345 seat, records phone ratings
    heads: dict[int, User]  # department id -> who writes the rectification
    windows: list[Organisation]
    departments: dict[str, Organisation]


def _level(rng: random.Random) -> int:
    return rng.choices([5, 4, 3, 2, 1], weights=[74, 21, 3, 1.5, 0.5])[0]


def seed_service_ratings(cast: RatingCast, clock: DemoClock, *, per_month: int) -> int:
    """Window (QR), online (web, phone, API) ratings spread over the twelve months."""
    created = 0
    points = {w.code: services.ensure_rating_point(w) for w in cast.windows}
    first_month = clock.today.replace(day=1) - dt.timedelta(days=330)
    for month in range(12):
        start = (first_month + dt.timedelta(days=31 * month)).replace(day=1)
        for n in range(per_month):
            key = f"{start:%Y%m}-{n}"
            rng = random.Random(key)  # one stream per rating: a re-run draws the same
            moment = clock.office_time(start + dt.timedelta(days=rng.randrange(28)), rng)
            level = _level(rng)
            bad = level <= 2
            if moment.date() >= clock.today or not clock.at(moment):
                continue  # up to yesterday, so that a second run today adds nothing
            kind = n % 4
            if kind in (0, 1):  # QR code at a window (一次一评)
                code = cast.windows[n % len(cast.windows)].code
                visit = uuid.uuid5(uuid.NAMESPACE_URL, f"qinqing-demo-window-{key}")
                if Rating.objects.filter(event__reference__endswith=visit.hex).exists():
                    continue
                services.rate_at_window(
                    points[code],
                    visit_key=str(visit),
                    level=level,
                    matter=rng.choice(WINDOW_MATTERS.get(code, ("窗口办事",))),
                    tags=[rng.choice(BAD_TAGS)] if bad else [rng.choice(GOOD_TAGS)],
                    comment=rng.choice(BAD_COMMENTS) if bad else "",
                )
            else:  # an online matter, rated by phone (回访) or from the 政务服务网
                dept_code, matter = ONLINE_MATTERS[n % len(ONLINE_MATTERS)]
                event = services.record_service_event(
                    kind=ServiceKind.ONLINE,
                    reference=f"online:demo-{key}",
                    department=cast.departments[dept_code],
                    occurred_at=moment,
                    matter=matter,
                    served_phone=f"139{rng.randrange(10**8):08d}",
                )
                if Rating.objects.filter(event=event).exists():
                    continue
                services.submit_rating(
                    event,
                    actor=cast.operator if kind == 2 else None,
                    level=level,
                    channel=Channel.PHONE if kind == 2 else Channel.API,
                    tags=[rng.choice(BAD_TAGS)] if bad else [],
                    comment=rng.choice(BAD_COMMENTS) if bad else "",
                )
            created += 1
    clock.back_to_now()
    return created


def work_through_rectifications(cast: RatingCast, clock: DemoClock) -> int:
    """核实 → 整改 → 回访 for every open bad rating older than two weeks."""
    rng = random.Random(2032)
    done = 0
    cutoff = clock.now - dt.timedelta(days=14)
    open_ones = (
        Rectification.objects.filter(
            ~Q(status__in=[RectificationStatus.CLOSED, RectificationStatus.VOID]),
            rating__rated_at__lt=cutoff,
        )
        .select_related("rating")
        .order_by("rating__rated_at")
    )
    for rect in open_ones:
        rated_at = rect.rating.rated_at
        head = cast.heads.get(rect.rating.department_id, cast.supervisor)
        if rect.status == RectificationStatus.OPEN and clock.at(clock.after(rated_at, 1)):
            rect = services.verify_rectification(
                rect,
                actor=cast.supervisor,
                note="已电话回访评价人，核实情况属实，已转责任单位整改。",
            )
        if rect.status == RectificationStatus.VERIFIED and clock.at(
            clock.after(rated_at, rng.randint(2, 6))
        ):
            rect = services.record_rectification(
                rect,
                actor=head,
                note="已约谈经办人员，完善一次性告知清单，并对企业反映的问题重新办理。",
            )
        if rect.status == RectificationStatus.RECTIFIED and clock.at(
            clock.after(rated_at, rng.randint(7, 9))
        ):
            services.record_callback(
                rect,
                actor=cast.supervisor,
                outcome=rng.choice([CallbackOutcome.SATISFIED] * 5 + [CallbackOutcome.UNREACHABLE]),
                note="企业对整改结果表示认可。",
            )
            done += 1
    clock.back_to_now()
    return done


def rating_cast(departments: dict[str, Organisation]) -> RatingCast:
    from qinqing.accounts.models import Membership, Role

    heads: dict[int, User] = {}
    for membership in Membership.objects.filter(
        role__in=[Role.DEPT_HEAD, Role.HANDLER], organisation__kind=OrgKind.DEPARTMENT
    ).select_related("user", "organisation"):
        if membership.role == Role.DEPT_HEAD or membership.organisation_id not in heads:
            heads[membership.organisation_id] = membership.user
    return RatingCast(
        supervisor=User.objects.get(username="supervisor"),
        operator=User.objects.get(username="intake"),
        heads=heads,
        windows=list(Organisation.objects.filter(kind=OrgKind.WINDOW).order_by("code")),
        departments=departments,
    )
