"""Demo 投资项目 across the approval chain (一链审批): 20 projects whose matters (办件)
are registered as 帮办代办, accepted, returned for 补正 and decided through the catalog's
services at the demo clock's moments, so the chain's days are real; weekly 周调度 items
for the last weeks, and two blockers escalated as appeals. Re-runnable: a project that
exists (by code) is left as it is."""

import datetime as dt
import random
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from qinqing.accounts.models import Organisation, User
from qinqing.catalog import services as catalog
from qinqing.catalog.models import Matter, MatterChannel, ServiceItem
from qinqing.demo.clock import DemoClock
from qinqing.enterprises.models import Enterprise
from qinqing.projects import services
from qinqing.projects.models import DONE, Project, ScheduleItem

# name, type, lead department, three-stage permit, flags, months ago the chain began
PROJECTS = [
    ("渠江新能源电池配件产业园一期", "enterprise", "D-JXJ", True, ["commitment", "parallel"], 19),
    ("协兴智能装备制造基地", "enterprise", "D-JXJ", False, ["shared_assessment"], 18),
    ("广安区第二人民医院门诊综合楼", "government", "D-ZJJ", True, ["green_channel"], 18),
    ("奎阁光电元器件生产线", "enterprise", "D-FGJ", False, ["commitment", "tolerance"], 17),
    ("枣山物流园冷链仓储中心", "enterprise", "D-FGJ", False, [], 16),
    ("白塔汽车零部件扩能技改", "enterprise", "D-JXJ", False, ["commitment"], 15),
    ("北辰片区污水处理厂提标改造", "government", "D-ZJJ", False, ["parallel"], 14),
    (
        "思源电子电路板智能工厂",
        "enterprise",
        "D-JXJ",
        True,
        ["commitment", "shared_assessment"],
        12,
    ),
    ("浓洄农副食品精深加工园", "enterprise", "D-FGJ", False, ["tolerance", "build_first"], 11),
    ("中桥街道保障性租赁住房", "government", "D-ZJJ", True, ["green_channel", "parallel"], 10),
    ("华蓥机械零部件加工中心", "enterprise", "D-JXJ", False, ["shared_assessment"], 9),
    ("悦来镇光伏组件封装项目", "enterprise", "D-FGJ", False, ["commitment", "build_first"], 8),
    ("广福街道智慧农贸市场", "government", "D-FGJ", False, [], 8),
    ("神龙金属结构件生产线", "enterprise", "D-JXJ", False, ["commitment", "shared_assessment"], 7),
    ("宝箴软件与数据服务中心", "enterprise", "D-FGJ", False, ["parallel"], 6),
    ("万盛有机化学原料技改", "enterprise", "D-JXJ", True, ["shared_assessment", "tolerance"], 5),
    ("协兴园区标准化厂房三期", "government", "D-ZJJ", False, ["commitment", "green_channel"], 4),
    ("邓园食品冷链配送中心", "enterprise", "D-FGJ", False, ["commitment"], 3),
    ("前锋精密模具研发楼", "enterprise", "D-JXJ", False, ["shared_assessment"], 2),
    ("小平故里文旅配套酒店", "enterprise", "D-FGJ", False, [], 1),
]
STANDARD_LAND = {0, 1, 5, 7, 13, 15}  # 标准地 出让 (拿地即开工)
ITEMS = {  # stage -> service item names of the demo catalog (the first for 政府投资 立项)
    "establish": ["企业投资项目备案", "固定资产投资项目节能审查"],
    "land": ["建设项目用地预审与选址意见书核发", "建设用地规划许可证核发"],
    "planning": ["建设工程规划许可证核发"],
    "permit": ["建筑工程施工许可证核发"],
    "completion": ["建设工程竣工验收备案"],
    "production": ["排污许可证核发（简化管理）"],
}
HANDLERS = {"D-FGJ": "h-fgj", "D-ZRZYJ": "h-zrzyj", "D-ZJJ": "handler3", "D-STHJJ": "h-sthjj"}
NEXT_STEPS = {
    "establish": ("完成项目备案（立项）", "项目建议书需补充能耗测算"),
    "land": ("取得用地预审与选址意见书、建设用地规划许可", "土地报批指标尚未下达"),
    "planning": ("取得建设工程规划许可证", "设计方案需与园区规划协调"),
    "permit": ("办理施工许可，具备开工条件", "施工图审查意见迟迟未出"),
    "permit_earthwork": ("办理土方开挖和基坑支护施工许可", ""),
    "permit_piling": ("办理桩基工程施工许可", ""),
    "permit_main": ("办理主体工程施工许可", "主体施工图审查未通过"),
    "completion": ("组织联合竣工验收", "消防验收排期紧"),
    "production": ("办理排污许可，投产", "配套电力线路未接通"),
}


@dataclass
class Cast:
    proxy: User  # registers the matters (帮办代办)
    supervisor: User
    departments: dict[str, Organisation]


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{name}.pdf", b"%PDF-1.4 demo", content_type="application/pdf")


def seed_projects(clock: DemoClock) -> int:
    """Returns the number of projects created."""
    items = {n: ServiceItem.objects.filter(name=n).first() for ns in ITEMS.values() for n in ns}
    if not all(items.values()):
        return 0  # the catalog demo is not there
    cast = Cast(
        proxy=User.objects.get(username="intake2"),
        supervisor=User.objects.get(username="supervisor"),
        departments={o.code: o for o in Organisation.objects.filter(code__startswith="D-")},
    )
    firms = list(Enterprise.objects.filter(industry_code__startswith="C").order_by("uscc")[:18])
    firms = [Enterprise.objects.order_by("uscc").first(), *firms]  # 刘企业's firm first
    made = 0
    for index, row in enumerate(PROJECTS):
        code = f"2025-511602-{40 + index:02d}-03-{index + 1:06d}"
        if Project.objects.filter(code=code).exists():
            continue
        rng = random.Random(index * 7 + 3)
        _seed_project(clock, cast, items, code, row, firms[index % len(firms)], index, rng)
        made += 1
    if made:
        _seed_schedule(clock, cast)
        clock.back_to_now()
        _escalate(cast)
    clock.back_to_now()
    return made


def _seed_project(
    clock: DemoClock,
    cast: Cast,
    items: dict[str, ServiceItem | None],
    code: str,
    row: tuple[str, str, str, bool, list[str], int],
    firm: Enterprise,
    index: int,
    rng: random.Random,
) -> None:
    name, kind, lead_code, three, flags, months = row
    begin = clock.office_time(clock.today - dt.timedelta(days=months * 30 + rng.randrange(10)), rng)
    clock.at(begin)
    lead = cast.departments[lead_code]
    officer = User.objects.get(username="handler" if lead_code == "D-JXJ" else HANDLERS[lead_code])
    project = services.create_project(
        actor=officer,
        code=code,
        name=name,
        enterprise=firm,
        project_type=kind,
        lead_department=lead,
        investment=str(rng.choice([3200, 5800, 12000, 26000, 48000, 85000]) + rng.randrange(100)),
        standard_land=index in STANDARD_LAND,
        permit_mode="three" if three else "one",
        flags=dict.fromkeys(flags, True),
    )
    # last year's projects waited longer between stages: the figure shows the change
    slow = 1.5 if months >= 12 else 1.0
    moment = begin
    for stage in project.chain:
        names = ITEMS["permit" if stage.startswith("permit") else stage]
        if stage == "establish":
            names = names[1:] if kind == "government" else names[:1]
        elif stage == "land" and "parallel" not in flags:
            names = names[:1]
        stage_items = [items[n] for n in names]
        starts = [moment if n == 0 else clock.after(moment, 1) for n in range(len(names))]
        done = _run_stage(clock, cast, project, stage, stage_items, firm, starts, rng, flags)
        if done is None:
            return  # the chain has reached today
        finished = [done]
        gap = 0 if stage.startswith("permit_") and stage != "permit_main" else rng.randint(8, 30)
        moment = clock.after(max(finished), int(gap * slow) + (8 if stage == "permit_main" else 0))
        if stage in ("permit", "permit_main"):
            moment = clock.after(moment, int(rng.randint(80, 160) * slow))  # building it


def _plan(
    clock: DemoClock,
    item: ServiceItem,
    submitted: dt.datetime,
    rng: random.Random,
    flags: list[str],
) -> list[tuple[dt.datetime, str]]:
    """The moments of one matter: submitted, accepted, maybe 补正 and back, decided."""
    accepted = clock.after(submitted, rng.choice([0, 0, 1, 2]))
    days = item.promised_days or 5
    steps = [(submitted, "submit"), (accepted, "accept")]
    decided = clock.after(accepted, max(1, int(days * rng.uniform(0.4, 1.0))))
    if "tolerance" not in flags and rng.random() < 0.3:  # 补正: the clock pauses
        asked = clock.after(accepted, 1)
        back = clock.after(asked, rng.randint(3, 12))
        decided = clock.after(back, max(1, int(days * rng.uniform(0.3, 0.8))))
        steps += [(asked, "correct"), (back, "resubmit")]
    return [*steps, (decided, "decide")]


def _run_stage(
    clock: DemoClock,
    cast: Cast,
    project: Project,
    stage: str,
    items: list[ServiceItem | None],
    firm: Enterprise,
    starts: list[dt.datetime],
    rng: random.Random,
    flags: list[str],
) -> dt.datetime | None:
    """The stage's matters (parallel when several), each step at its own moment in one
    time order; the last decision, or None when a step falls after today (the matters
    stay open there)."""
    steps = sorted(
        (moment, n, action)
        for n, (item, start) in enumerate(zip(items, starts, strict=True))
        if item is not None
        for moment, action in _plan(clock, item, start, rng, flags)
    )
    matters: dict[int, Matter] = {}
    decided: list[dt.datetime] = []
    lead_officer = User.objects.get(username=_handler_for(project.lead_department.code))
    for moment, n, action in steps:
        if not clock.at(moment):
            return None
        matter = matters.get(n)
        if matter is not None and matter.decided_at is not None:
            continue  # 秒批: decided on submission
        if action == "submit":
            item = items[n]
            assert item is not None
            matter = catalog.apply_for_item(
                item,
                actor=cast.proxy,
                channel=MatterChannel.PROXY,
                enterprise=firm,
                applicant_name=firm.name,
                applicant_phone=firm.contact_phone or "0826-2221015",
                form_data={},
                uploads={m.key: _pdf(m.name) for m in item.materials.all()},
            )
            services.link_matter(project, stage=stage, matter=matter, actor=lead_officer)
            if matter.decided_at is not None:
                decided.append(matter.decided_at)
                services.refresh_project_of_matter(matter.pk)
            matters[n] = matter
            continue
        assert matter is not None
        officer = User.objects.get(username=_handler_for(matter.department.code))
        if action == "accept":
            matters[n] = catalog.accept_matter(matter, actor=officer)
        elif action == "correct":
            matters[n] = catalog.request_correction(
                matter, actor=officer, note="请补充完善申报材料"
            )
        elif action == "resubmit":
            matters[n] = catalog.resubmit_matter(matter, actor=officer, note="已补充")
        else:
            matters[n] = catalog.decide_matter(matter, actor=officer, approve=True)
            services.refresh_project_of_matter(matter.pk)
            decided.append(moment)
    return max(decided) if decided else None


def _handler_for(code: str) -> str:
    return "handler" if code == "D-JXJ" else HANDLERS.get(code, "h-spj")


def _seed_schedule(clock: DemoClock, cast: Cast) -> None:
    """周调度 for the last six weeks: one item a week for every project under way."""
    rng = random.Random(42)
    today = clock.today
    for weeks_ago in range(6, -1, -1):
        monday = services.monday_of(today - dt.timedelta(days=7 * weeks_ago))
        meeting = clock.office_time(monday, rng)
        if not clock.at(meeting):
            continue
        if weeks_ago:  # this week's meeting still sees last week's misses as overdue
            _catch_up(monday, rng)
        for project in Project.objects.exclude(stage=DONE).select_related("lead_department"):
            if project.created_at > meeting or project.schedule.filter(status="open").exists():
                continue  # an open item carries over to this week's meeting
            step, blocker = NEXT_STEPS.get(project.stage, ("推进项目", ""))
            unit = _owner_unit(project, cast)
            officer = User.objects.get(username=_handler_for(project.lead_department.code))
            due = monday + dt.timedelta(days=rng.choice([4, 4, 7, 11]))
            item = services.add_schedule_item(
                project,
                actor=officer,
                next_step=step,
                blocker=blocker if rng.random() < 0.35 else "",
                owner_unit=unit,
                owner_person=User.objects.filter(
                    username=_handler_for(unit.code), memberships__organisation=unit
                ).first(),
                due_on=due,
                week=monday,
            )
            done_on = due + dt.timedelta(days=rng.choice([-2, -1, 0, 0, 1, 3]))
            finished_at = clock.office_time(done_on, rng)
            if rng.random() < 0.8 and done_on <= today and clock.at(finished_at):
                owner = item.owner_person or officer
                services.move_schedule_item(item, actor=owner, action="complete", done_on=done_on)
                clock.at(meeting)


def _catch_up(monday: dt.date, rng: random.Random) -> None:
    """Before the week's meeting, most items left over from earlier weeks get done late."""
    late = ScheduleItem.objects.filter(status="open", due_on__lt=monday).select_related(
        "project__lead_department", "owner_person"
    )
    for item in late:
        if rng.random() < 0.75:
            owner = item.owner_person or User.objects.get(
                username=_handler_for(item.project.lead_department.code)
            )
            done_on = max(item.due_on, monday - dt.timedelta(days=rng.randint(1, 3)))
            services.move_schedule_item(item, actor=owner, action="complete", done_on=done_on)


def _owner_unit(project: Project, cast: Cast) -> Organisation:
    stage = project.stage
    names = ITEMS.get("permit" if stage.startswith("permit") else stage, [])
    item = ServiceItem.objects.filter(name__in=names).select_related("department").first()
    return item.department if item else project.lead_department


def _escalate(cast: Cast) -> None:
    blocked = (
        Project.objects.exclude(stage=DONE)
        .filter(schedule__status="open", schedule__blocker__gt="")
        .distinct()
        .order_by("pk")
    )
    for project in blocked[:2]:
        item = project.schedule.filter(status="open").exclude(blocker="").order_by("-week").first()
        if item is not None and item.appeal_id is None:
            services.escalate_blocker(item, actor=cast.supervisor)
