"""What leaders and supervisors see once the history exists, computed by the analytics
and assessment code itself: hot-spot runs for the last three months with a 每月一题
picked from each (the older ones under way or done), seasonal warnings, manual
assessment points for the last months, the routing model trained on the closed
appeals, and the cockpit's daily rollups."""

import datetime as dt
import random

from django.utils import timezone

from qinqing.accounts.models import Organisation, OrgKind, User
from qinqing.analytics.intel import hotspot_service
from qinqing.analytics.intel.models import Hotspot, HotspotRun, MonthlyTopic
from qinqing.assessment.freezing import correct_month, freeze_due_day, freeze_month
from qinqing.assessment.luohe import NAME as LUOHE
from qinqing.assessment.luohe import seed_luohe
from qinqing.assessment.models import (
    AssessedUnit,
    Dimension,
    Indicator,
    IndicatorKind,
    ManualEntry,
    Scheme,
    ScoreSheet,
    UnitType,
)
from qinqing.assessment.scoring import default_scheme
from qinqing.assessment.services import record_manual_entry
from qinqing.assessment.yongchuan import seed_yongchuan, seed_yongchuan_dimensions
from qinqing.demo.clock import DemoClock

TOPIC_GOALS = (
    "梳理同类诉求，牵头单位一月内拿出系统解决方案，相关企业逐一回访。",
    "建立问题清单和责任清单，月底前完成集中整治并向企业反馈。",
)
ASSESSMENT_NOTES = (
    "推行诉求“首接负责制”，经验做法被市营商办通报推广。",
    "开展“企业服务日”活动，现场解决企业问题。",
    "主动对接重点企业，提前化解用工和用电问题。",
)

DEDUCTION_NOTES = (
    "企业反映同一事项被多头重复检查，经核实扣分。",
    "暗访发现窗口要求企业重复提交材料，责令整改并扣分。",
)


def month_starts(today: dt.date, count: int) -> list[dt.date]:
    """The first days of the last `count` months, oldest first, this month included."""
    months = [today.replace(day=1)]
    while len(months) < count:
        months.insert(0, (months[0] - dt.timedelta(days=1)).replace(day=1))
    return months


def seed_hotspots_and_topics(clock: DemoClock, *, leader: User, district: Organisation) -> int:
    """A hot-spot run per month (the current one over the last 30 days) and a 每月一题."""
    picked = 0
    months = month_starts(clock.today, 3)
    departments = {o.name: o for o in Organisation.objects.filter(kind=OrgKind.DEPARTMENT)}
    for age, month in enumerate(reversed(months)):  # 0: this month
        if MonthlyTopic.objects.filter(division=district, month=month).exists():
            continue
        if age == 0:
            start, end = clock.today - dt.timedelta(days=29), clock.today
            clock.at(clock.now)
        else:
            start = (month - dt.timedelta(days=1)).replace(day=1)  # the month before
            end = month - dt.timedelta(days=1)
            clock.at(clock.office_time(month, random.Random(month.toordinal())))
        run = _run(leader, district, start, end)
        spot = _first_with_department(run, departments)
        if spot is None:
            continue
        owner = departments[spot.departments[0]]
        topic = hotspot_service.pick_monthly_topic(
            spot,
            actor=leader,
            division=district,
            title=f"{spot.label}问题集中整治",
            month=month,
            owner=owner,
            goal=TOPIC_GOALS[age % len(TOPIC_GOALS)],
        )
        picked += 1
        if age >= 1:
            clock.at(clock.after(timezone.now(), 3))
            topic = hotspot_service.change_topic_status(
                topic,
                actor=leader,
                status=MonthlyTopic.Status.IN_PROGRESS,
                note="牵头单位已制定方案。",
            )
        if age >= 2:
            clock.at(clock.after(timezone.now(), 12))
            hotspot_service.change_topic_status(
                topic,
                actor=leader,
                status=MonthlyTopic.Status.DONE,
                note="同类诉求明显下降，已回访企业。",
            )
    clock.back_to_now()
    return picked


def _run(leader: User, district: Organisation, start: dt.date, end: dt.date) -> HotspotRun:
    done = HotspotRun.objects.filter(
        division=district, period_start=start, period_end=end, state=HotspotRun.State.DONE
    ).first()
    if done is not None:
        return done
    run, _ = hotspot_service.request_run(
        actor=leader, division=district, period_start=start, period_end=end
    )
    return hotspot_service.compute_run(run.pk) or HotspotRun.objects.get(pk=run.pk)


def _first_with_department(run: HotspotRun, departments: dict[str, Organisation]) -> Hotspot | None:
    for spot in Hotspot.objects.filter(run=run).order_by("rank"):
        if spot.departments and spot.departments[0] in departments:
            return spot
    return None


# 重点单位: the departments on a project's approval chain and the enterprise-facing ones
KEY_UNITS = ("D-FGJ", "D-JXJ", "D-SCJ", "D-ZJJ", "D-ZRZYJ", "D-SPJ")


def seed_assessment(clock: DemoClock, *, admin: User, departments: list[Organisation]) -> int:
    """Every unit typed under both templates, manual points for the last two full months,
    and last month frozen under both schemes with one correction version."""
    # the templates come with the migrations; a database emptied since (flush) gets them again
    seed_yongchuan(Scheme, Indicator)
    seed_yongchuan_dimensions(Scheme, Dimension, Indicator)
    seed_luohe(Scheme, Dimension, Indicator)
    schemes = [s for s in (default_scheme(), Scheme.objects.filter(name=LUOHE).first()) if s]
    if not schemes:
        return 0
    towns = list(Organisation.objects.filter(kind=OrgKind.DIVISION, depth=1, is_active=True))
    for scheme in schemes:
        for unit in [*departments, *towns]:
            kind = (
                UnitType.TOWN
                if unit.kind == OrgKind.DIVISION
                else UnitType.KEY
                if unit.code in KEY_UNITS
                else UnitType.GENERAL
            )
            AssessedUnit.objects.get_or_create(
                scheme=scheme, organisation=unit, defaults={"unit_type": kind}
            )
    entered = sum(_seed_manual(clock, admin, scheme, [*departments, *towns]) for scheme in schemes)
    _freeze_last_month(clock, admin, schemes)
    return entered


def _freeze_last_month(clock: DemoClock, admin: User, schemes: list[Scheme]) -> None:
    last = month_starts(clock.today, 2)[0]
    rng = random.Random(2036)
    clock.at(clock.office_time(freeze_due_day(last) + dt.timedelta(days=1), rng))
    for scheme in schemes:
        if not ScoreSheet.objects.filter(scheme=scheme, period=last).exists():
            freeze_month(scheme, month=last, actor=admin, reason="月度考核结果发布")
    clock.at(clock.office_time(freeze_due_day(last) + dt.timedelta(days=3), rng))
    scheme = schemes[0]
    if not ScoreSheet.objects.filter(scheme=scheme, period=last, version__gt=1).exists():
        correct_month(
            scheme,
            month=last,
            actor=admin,
            reason="12345 热线补录上月 3 件诉求的回访评价，经考核办审核后更正满意度得分。",
        )
    clock.back_to_now()


def _seed_manual(clock: DemoClock, admin: User, scheme: Scheme, units: list[Organisation]) -> int:
    """Points for the scheme's manual indicators (创新举措 ...) in the last two full months."""
    indicators = list(Indicator.objects.filter(scheme=scheme, kind=IndicatorKind.MANUAL))
    rng = random.Random(2035 + scheme.pk)
    types = dict(
        AssessedUnit.objects.filter(scheme=scheme).values_list("organisation_id", "unit_type")
    )
    entered = 0
    for month in month_starts(clock.today, 3)[:-1]:
        clock.at(clock.office_time(month + dt.timedelta(days=25), rng))
        for indicator in indicators:
            for department in units:
                if not indicator.applies_to(types.get(department.pk, UnitType.GENERAL)):
                    continue
                low, high = int(indicator.min_points), int(indicator.max_points)
                points = rng.choice([0, 0, 0, *range(low, high + 1)])
                note = rng.choice(ASSESSMENT_NOTES if points > 0 else DEDUCTION_NOTES)
                if (
                    not points
                    or ManualEntry.objects.filter(
                        indicator=indicator, department=department, period=month
                    ).exists()
                ):
                    continue
                record_manual_entry(
                    indicator,
                    actor=admin,
                    department=department,
                    period=month,
                    points=points,
                    notes=note,
                )
                entered += 1
    clock.back_to_now()
    return entered


def seed_seasonal_warnings(clock: DemoClock) -> int:
    from qinqing.analytics.intel.seasonal_service import raise_seasonal_warnings

    return len(raise_seasonal_warnings(clock.today))


def train_router(min_rows: int = 40) -> bool:
    """Train the intake router on the closed demo appeals once, so intake suggestions
    exist on the first run."""
    from django.core.exceptions import ValidationError

    from qinqing.analytics.intel import routing
    from qinqing.analytics.intel.models import RouterVersion

    if RouterVersion.objects.filter(is_active=True).exists():
        return False
    rows = routing.training_rows_from_history()
    if len(rows) < min_rows:
        return False
    try:
        routing.train_and_store(rows, source="演示数据：已办结诉求")
    except ValidationError:
        return False  # too few appeals in some category at a small scale
    return True


def refresh_cockpit(today: dt.date) -> None:
    """The cockpit reads daily rollups that the worker refreshes every few minutes; build
    them now so that it is filled at first sight."""
    from qinqing.analytics.cockpit import refresh_rollups

    refresh_rollups(today - dt.timedelta(days=400), today)
