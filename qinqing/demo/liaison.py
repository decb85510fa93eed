"""Demo 包联, 走访, 四帮一体验 and 政企活动, created through the liaison services: a round in
progress (some stays finished and scored, others under way with daily check-ins), visits
with difficulties turned into appeals, and the "面对面·周周见" reception-day series.
Re-runnable: nothing is added when the series already exists."""

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.utils import timezone

from qinqing.accounts.models import Membership, Organisation, Role, User
from qinqing.demo.clock import DemoClock
from qinqing.demo.district import demo_password_hash
from qinqing.enterprises.models import Enterprise, QualificationKind
from qinqing.enterprises.services import record_qualification
from qinqing.liaison import services, stationing
from qinqing.liaison.models import ActivitySeries, Stay

SERIES = "面对面·周周见"
ROUND = "2026年第四批“四帮一体验”"
CENTRE = (30.4564, 106.6333)  # 广安区
CADRES = [  # username, name, department code
    ("cadre", "刘洋", "D-JXJ"),
    ("cadre2", "陈思远", "D-SCJ"),
    ("cadre3", "杨帆", "D-ZJJ"),
    ("cadre4", "徐静", "D-RSJ"),
    ("cadre5", "胡晓明", "D-FGJ"),
    ("cadre6", "林婷", "D-SWJ"),
    ("cadre7", "高磊", "D-ZRZYJ"),
    ("cadre8", "罗佳", "D-KJJ"),
]
NOTES = [
    "跟班学习生产排程，了解订单交付压力",
    "参加企业安全生产例会，收集用工需求",
    "陪同企业到审批局咨询扩建项目手续",
    "整理企业反映的用电增容问题，联系供电公司",
    "到一线装配岗位跟班，记录工序瓶颈",
]
DIFFICULTIES = [
    ("扩建厂房用地指标未落实", "二期厂房规划用地 30 亩，指标尚未下达，影响明年投产。", "1200"),
    ("用电增容审批周期长", "新上两条产线需增容 2000 千伏安，申请已两个月。", "380"),
    ("技术工人招聘难", "数控操作工缺口 40 人，希望对接职业院校订单培养。", ""),
    ("出口退税到账慢", "一季度出口退税 150 万元尚未到账。", "150"),
    ("园区道路破损影响物流", "园区南门道路破损，货车通行困难。", ""),
    ("知识产权质押融资需求", "企业有发明专利 6 项，希望办理质押贷款。", "500"),
]


def _user(username: str, full_name: str, department: Organisation) -> User:
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.full_name = full_name
        user.phone = f"1398260{random.Random(username).randrange(10**4):04d}"
        user.password = demo_password_hash()
        user.save()
    Membership.objects.get_or_create(user=user, organisation=department, role=Role.CADRE)
    return user


def _locate(enterprises: list[Enterprise], rng: random.Random) -> None:
    """Registered locations for the demo's enterprises (the registry has no geocoder)."""
    for e in enterprises:
        if e.lat is None:
            e.lat = round(CENTRE[0] + rng.uniform(-0.05, 0.05), 6)
            e.lng = round(CENTRE[1] + rng.uniform(-0.05, 0.05), 6)
    Enterprise.objects.bulk_update(enterprises, ["lat", "lng"])


@contextmanager
def _on(clock: DemoClock | None, day: dt.date) -> Iterator[None]:
    """Raise a difficulty on the day it was heard (its appeal is registered then), not at
    the moment the demo runs."""
    if clock is not None:
        clock.at(clock.office_time(min(day, timezone.localdate())))
    try:
        yield
    finally:
        if clock is not None:
            clock.back_to_now()


def seed_liaison(clock: DemoClock | None = None) -> int:
    """Returns the number of stays created (0 when the demo already has them)."""
    if ActivitySeries.objects.filter(name=SERIES).exists():
        return 0
    rng = random.Random(11)
    today = timezone.localdate()
    officer = User.objects.get(username="supervisor")
    leader = User.objects.get(username="leader")
    intake = User.objects.get(username="intake")
    handler = User.objects.get(username="handler")
    departments = {o.code: o for o in Organisation.objects.filter(code__startswith="D-")}
    cadres = [_user(u, n, departments[code]) for u, n, code in CADRES]
    enterprises = list(Enterprise.objects.order_by("uscc")[:60])
    if len(enterprises) < 40:
        return 0  # too small a district for a round (seed_demo --enterprises below 40)
    _locate(enterprises, rng)
    registry_officer = User.objects.get(username="policy")  # keeps the registry
    for e in enterprises[:36]:
        record_qualification(
            e,
            actor=registry_officer,
            kind=QualificationKind.ABOVE_SCALE,
            valid_from=dt.date(2024, 1, 1),
            certificate_no="统计局规上名录",
        )
    for e in enterprises[:10:2]:
        record_qualification(
            e,
            actor=registry_officer,
            kind=QualificationKind.SRDI,
            valid_from=dt.date(2025, 3, 1),
            certificate_no="川经信〔2025〕",
        )

    # 包联: the leader and the cadres look after 28 of the 36 规上 enterprises
    for n, e in enumerate(enterprises[:28]):
        who = leader if n < 5 else cadres[n % len(cadres)]
        role = "leader" if who is leader else ("contact" if n % 3 else "specialist")
        services.assign_liaison(
            e, actor=officer, role=role, cadre=who, starts_on=today - dt.timedelta(days=120)
        )
    team = services.create_team(
        enterprises[2],
        actor=officer,
        name="上市服务小组",
        lead=leader,
        members=cadres[:3],
        plan="一企一策：梳理上市障碍，协调土地、环评和股改，2027 年申报。",
    )
    for title, days, done in (("完成股份制改造", -20, True), ("辅导备案", 40, False)):
        m = services.add_milestone(
            team, actor=officer, title=title, due_on=today + dt.timedelta(days=days)
        )
        if done:
            services.complete_milestone(m, actor=officer, on=today - dt.timedelta(days=22))

    # 走访 with difficulties turned into appeals
    for n, e in enumerate(enterprises[5:25]):
        who = cadres[(n + 5) % len(cadres)]
        if not services.selectors.may_work_with(who, e):
            continue
        visit = services.record_visit(
            e,
            actor=who,
            visited_on=today - dt.timedelta(days=rng.randrange(1, 70)),
            people_met=f"{e.contact_name}（总经理）",
            discussion=rng.choice(NOTES),
        )
        if n % 4 == 0:
            title, text, money = DIFFICULTIES[n % len(DIFFICULTIES)]
            with _on(clock, visit.visited_on):
                d = services.raise_difficulty(
                    e, actor=who, visit=visit, title=title, description=text, money=money or None
                )
                if n % 8 == 0:
                    services.register_difficulty(d, actor=intake)

    stays = _seed_round(cadres, enterprises, officer, intake, handler, today, rng, clock)
    _seed_activities(enterprises, officer, intake, handler, departments, today, clock)
    return stays


def _seed_round(
    cadres: list[User],
    enterprises: list[Enterprise],
    officer: User,
    intake: User,
    handler: User,
    today: dt.date,
    rng: random.Random,
    clock: DemoClock | None,
) -> int:
    round_ = stationing.create_round(
        actor=officer,
        name=ROUND,
        starts_on=today - dt.timedelta(days=16),
        ends_on=today + dt.timedelta(days=40),
        radius_m=500,
        sample_size=3,
    )
    hosts = [enterprises[0], enterprises[1], enterprises[30], enterprises[31]]  # finished
    hosts += [enterprises[32], enterprises[33], enterprises[34]]  # under way
    stays: list[Stay] = []
    for n, (cadre, host) in enumerate(zip(cadres[1:], hosts, strict=True)):
        start = today - dt.timedelta(days=16 if n < 4 else 5)
        stays.append(
            stationing.plan_stay(
                round_, actor=officer, cadre=cadre, enterprise=host, starts_on=start
            )
        )
    # the demo's own "cadre" is under way at a located enterprise, not checked in today
    mine = stationing.plan_stay(
        round_,
        actor=officer,
        cadre=cadres[0],
        enterprise=enterprises[36],
        starts_on=today - dt.timedelta(days=4),
    )
    stationing.open_round(round_, actor=officer)
    tz = timezone.get_current_timezone()
    for stay in [*stays, mine]:
        last = min(stay.ends_on, today - dt.timedelta(days=1))
        day = stay.starts_on
        while day <= last:
            if day.weekday() < 5:
                off = 0.002 if rng.random() > 0.08 else 0.02  # now and then out of range
                at = dt.datetime.combine(day, dt.time(8, rng.randrange(30, 59)), tz)
                stationing.check_in(
                    stay,
                    actor=stay.cadre,
                    kind="in",
                    now=at,
                    lat=stay.enterprise.lat + off,
                    lng=stay.enterprise.lng,
                )
                out = dt.datetime.combine(day, dt.time(17, rng.randrange(35, 59)), tz)
                stationing.check_in(
                    stay,
                    actor=stay.cadre,
                    kind="out",
                    now=out,
                    lat=stay.enterprise.lat,
                    lng=stay.enterprise.lng + 0.001,
                )
            day += dt.timedelta(days=1)
        stationing.write_note(
            stay, actor=stay.cadre, text=rng.choice(NOTES), day=min(today, stay.ends_on)
        )
    for n, stay in enumerate(stays):
        title, text, money = DIFFICULTIES[n % len(DIFFICULTIES)]
        with _on(clock, stay.starts_on + dt.timedelta(days=2)):
            d = services.raise_difficulty(
                stay.enterprise,
                actor=stay.cadre,
                stay=stay,
                title=title,
                description=text,
                money=money or None,
            )
            d = services.register_difficulty(d, actor=intake)
        stationing.record_evidence(stay, actor=stay.cadre, task="problem", difficulty=d)
        if n < 3 and d.appeal is not None:
            _close(d.appeal, intake, handler)
        stationing.record_evidence(
            stay, actor=stay.cadre, task="suggestion", text="建议企业推行错峰生产，降低尖峰电费。"
        )
        stationing.record_evidence(
            stay,
            actor=stay.cadre,
            task="frontline",
            on_date=stay.starts_on + dt.timedelta(days=2),
            text="装配车间跟班一天",
        )
    # the first four stays ended two days ago: their enterprises score them
    for stay in stays[1:4]:
        scorer = User.objects.filter(uscc=stay.enterprise.uscc).first()
        if scorer is not None:
            stationing.score_stay(
                stay,
                actor=scorer,
                items={"attitude": 5, "diligence": 5, "solving": 4, "policy": 4},
                comment="驻企期间帮我们解决了实际困难。",
            )
    second = User.objects.filter(uscc=stays[1].enterprise.uscc).first()
    if second is not None:
        stationing.file_request(
            round_,
            actor=second,
            kind="extend",
            stay=stays[1],
            days=7,
            reason="二期项目投产在即，希望驻企干部继续协调供电。",
        )
    drawn = stationing.draw_sample(round_, actor=officer, size=3, rng=rng)
    if drawn:
        stationing.record_verification(
            drawn[0],
            actor=officer,
            method="phone",
            result="present",
            note="电话联系企业负责人，确认在岗",
        )
    return len(stays) + 1


def _close(appeal: object, intake: User, handler: User) -> None:
    from qinqing.appeals import services as appeals

    department = Organisation.objects.get(code="D-JXJ")
    appeals.dispatch_appeal(appeal, actor=intake, to=department)  # type: ignore[arg-type]
    appeals.acknowledge_appeal(appeal, actor=handler)  # type: ignore[arg-type]
    appeals.record_contact(appeal, actor=handler, method="visit", person="企业负责人")  # type: ignore[arg-type]
    appeals.reply_appeal(appeal, actor=handler, result="solved", text="已协调相关部门解决。")  # type: ignore[arg-type]
    appeals.call_back_appeal(appeal, actor=intake, solved=True, rating="satisfied")  # type: ignore[arg-type]
    appeals.close_appeal(appeal, actor=intake)  # type: ignore[arg-type]


def _seed_activities(
    enterprises: list[Enterprise],
    officer: User,
    intake: User,
    handler: User,
    departments: dict[str, Organisation],
    today: dt.date,
    clock: DemoClock | None,
) -> None:
    district = Organisation.objects.get(code="511602")
    series = services.create_series(
        actor=officer, name=SERIES, kind="reception", organiser=district
    )
    raised = 0
    for n in range(6):
        held = today - dt.timedelta(days=7 * (6 - n))
        activity = services.create_activity(
            actor=officer,
            kind="reception",
            title=f"“{SERIES}”企业家接待日第{n + 1}期",
            organiser=district,
            held_on=held,
            place="区政务服务中心三楼",
            series=series,
        )
        for e in enterprises[n * 3 : n * 3 + 4]:
            services.mark_attendance(activity, e, actor=officer)
        for e in enterprises[n * 3 : n * 3 + 2]:
            title, text, _money = DIFFICULTIES[(n + raised) % len(DIFFICULTIES)]
            with _on(clock, held):
                d = services.raise_difficulty(
                    e, actor=officer, activity=activity, title=title, description=text
                )
            raised += 1
            if raised % 3 != 0 and d.appeal is not None:
                _close(d.appeal, intake, handler)
    financing = services.create_activity(
        actor=officer,
        kind="financing",
        title="知识产权质押融资政银企对接会",
        organiser=departments["D-JXJ"],
        held_on=today + dt.timedelta(days=-10),
        place="区金融服务中心",
        invited=enterprises[-6:],
    )
    for e, bank, asked, granted in (
        (enterprises[-6], "广安农商银行", "500", "300"),
        (enterprises[-5], "建设银行广安分行", "800", "800"),
        (enterprises[-4], "广安农商银行", "200", None),
    ):
        services.record_outcome(
            financing, e, actor=officer, kind="loan_requested", bank=bank, amount=Decimal(asked)
        )
        if granted:
            services.record_outcome(
                financing, e, actor=officer, kind="loan_granted", bank=bank, amount=Decimal(granted)
            )
    legal = services.create_activity(
        actor=officer,
        kind="legal",
        title="民营企业“法治体检”进园区",
        organiser=district,
        held_on=today + dt.timedelta(days=-3),
        place="协兴园区",
    )
    services.record_outcome(legal, enterprises[-3], actor=officer, kind="legal_found", count=3)
    services.record_outcome(legal, enterprises[-3], actor=officer, kind="legal_resolved", count=2)
    services.record_outcome(
        legal, enterprises[-2], actor=officer, kind="contract_reviewed", count=5
    )
    services.create_activity(
        actor=officer,
        kind="briefing",
        title="2026 年惠企政策宣讲会",
        organiser=district,
        held_on=today + dt.timedelta(days=7),
        place="区政务服务中心",
        invited=enterprises[:8],
    )
