"""Demo 营商环境指标与任务: the year's 18 indicators with their lead departments, some fifty
tasks assigned in January, monthly reports by the responsible departments at their own
moments (most tasks done on time, some late, some overdue and escalated on the appeals'
ladder), leaders' monthly comments, and inspection findings rectified or still open.
Everything goes through the task-list services at demo clock times. Re-runnable: nothing
is added when the year's indicators exist."""

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from qinqing.accounts.models import Membership, Organisation, Role, User
from qinqing.demo.clock import DemoClock
from qinqing.tasklist import services
from qinqing.tasklist.models import Indicator, Task, TaskStatus

# indicator -> lead department code
LEADS = {
    "开办企业": "D-SCJ",
    "办理建筑许可": "D-ZJJ",
    "获得电力": "D-JXJ",
    "获得用水用气": "D-SWUJ",
    "登记财产": "D-ZRZYJ",
    "获得信贷": "D-JRJ",
    "保护中小投资者": "D-SCJ",
    "纳税": "D-SWSWJ",
    "跨境贸易": "D-SWJ",
    "执行合同": "D-YSHJ",
    "办理破产": "D-YSHJ",
    "劳动力市场监管": "D-RSJ",
    "政府采购": "D-CZJ",
    "招标投标": "D-FGJ",
    "政务服务": "D-SPJ",
    "知识产权创造、保护和运用": "D-SCJ",
    "市场监管": "D-SCJ",
    "包容普惠创新": "D-KJJ",
}
# indicator, task, lead, other units, due month, target, unit of measure
TASKS: list[tuple[str, str, str, str, int, str, str]] = [
    (
        "开办企业",
        "企业开办全流程压缩至 0.5 个工作日",
        "D-SPJ",
        "D-SCJ D-SWSWJ",
        6,
        "0.5",
        "个工作日",
    ),
    ("开办企业", "企业开办“一网通办”使用率达到 95%", "D-SCJ", "D-SPJ", 9, "95", "%"),
    ("开办企业", "免费刻制公章覆盖新开办企业", "D-SCJ", "", 4, "100", "%"),
    (
        "办理建筑许可",
        "社会投资小型低风险项目审批压缩至 15 个工作日",
        "D-ZJJ",
        "D-ZRZYJ D-SPJ",
        8,
        "15",
        "个工作日",
    ),
    ("办理建筑许可", "推行施工许可分阶段办理", "D-ZJJ", "D-SPJ", 11, "20", "个项目"),
    ("办理建筑许可", "联合验收一次办结", "D-ZJJ", "D-XFJY D-ZRZYJ", 12, "100", "%"),
    ("获得电力", "低压小微企业接电“零投资”", "D-JXJ", "", 5, "100", "%"),
    ("获得电力", "高压用户接电时间压缩至 25 个工作日", "D-JXJ", "D-ZRZYJ", 10, "25", "个工作日"),
    ("获得电力", "园区双回路供电改造", "D-JXJ", "D-FGJ", 12, "3", "个园区"),
    ("获得用水用气", "用水报装压缩至 3 个工作日", "D-SWUJ", "", 6, "3", "个工作日"),
    ("获得用水用气", "水电气网联合报装", "D-SWUJ", "D-JXJ D-SPJ", 9, "1", "个专区"),
    ("登记财产", "不动产登记一般业务 1 个工作日办结", "D-ZRZYJ", "D-SWSWJ", 6, "1", "个工作日"),
    ("登记财产", "“交房即交证”覆盖新建商品房项目", "D-ZRZYJ", "D-ZJJ", 11, "30", "个项目"),
    ("登记财产", "企业间不动产转移登记全程网办", "D-ZRZYJ", "", 12, "90", "%"),
    ("获得信贷", "新增普惠小微贷款", "D-JRJ", "", 12, "20", "亿元"),
    ("获得信贷", "政银企对接会", "D-JRJ", "D-JXJ", 10, "6", "场"),
    ("获得信贷", "知识产权质押融资", "D-JRJ", "D-SCJ", 9, "1.5", "亿元"),
    ("保护中小投资者", "涉企行政执法“首违不罚”清单落实", "D-SCJ", "D-ZHZF", 7, "100", "%"),
    ("保护中小投资者", "中小投资者维权服务站", "D-SCJ", "", 11, "5", "个"),
    ("纳税", "全面数字化电子发票推广", "D-SWSWJ", "", 6, "95", "%"),
    ("纳税", "非接触式办税比例", "D-SWSWJ", "", 10, "98", "%"),
    ("纳税", "出口退税平均办理时间", "D-SWSWJ", "D-SWJ", 11, "3", "个工作日"),
    ("跨境贸易", "外贸企业“白名单”服务", "D-SWJ", "", 8, "40", "家"),
    ("跨境贸易", "跨境电商综合服务平台上线", "D-SWJ", "D-JXJ", 11, "1", "个平台"),
    ("执行合同", "涉企合同纠纷诉前调解", "D-YSHJ", "", 9, "60", "%"),
    ("执行合同", "清理拖欠企业账款", "D-YSHJ", "D-CZJ", 6, "100", "%"),
    ("办理破产", "府院联动破产处置机制", "D-YSHJ", "D-RSJ D-SWSWJ", 7, "1", "项机制"),
    ("办理破产", "重整企业信用修复", "D-YSHJ", "D-SCJ", 12, "10", "家"),
    ("劳动力市场监管", "根治欠薪专项行动", "D-RSJ", "D-ZJJ", 5, "100", "%"),
    ("劳动力市场监管", "重点企业用工保障", "D-RSJ", "D-JXJ", 10, "2000", "人"),
    ("劳动力市场监管", "劳动争议仲裁 45 日内结案", "D-RSJ", "", 12, "95", "%"),
    ("政府采购", "政府采购全流程电子化", "D-CZJ", "", 6, "100", "%"),
    ("政府采购", "预留中小企业采购份额", "D-CZJ", "", 11, "40", "%"),
    ("招标投标", "工程建设项目远程异地评标", "D-FGJ", "D-ZJJ", 9, "50", "%"),
    ("招标投标", "投标保证金电子保函", "D-FGJ", "D-JRJ", 7, "80", "%"),
    ("招标投标", "招标计划提前发布", "D-FGJ", "", 4, "100", "%"),
    ("政务服务", "高频事项“一件事一次办”", "D-SPJ", "D-SCJ D-RSJ", 8, "20", "件"),
    ("政务服务", "政务服务事项网上可办率", "D-SPJ", "", 10, "98", "%"),
    ("政务服务", "帮办代办服务专区", "D-SPJ", "D-YSHJ", 5, "1", "个专区"),
    ("知识产权创造、保护和运用", "高价值发明专利培育", "D-SCJ", "D-KJJ", 12, "60", "件"),
    ("知识产权创造、保护和运用", "知识产权纠纷快速维权", "D-SCJ", "", 9, "30", "件"),
    ("市场监管", "“双随机、一公开”跨部门联合抽查", "D-SCJ", "D-STHJJ D-YJJ", 11, "35", "%"),
    ("市场监管", "包容审慎监管清单", "D-SCJ", "D-ZHZF", 6, "1", "份"),
    ("市场监管", "信用修复“一件事”", "D-SCJ", "D-FGJ", 10, "100", "%"),
    ("包容普惠创新", "科技型中小企业评价入库", "D-KJJ", "", 9, "120", "家"),
    ("包容普惠创新", "创新平台建设", "D-KJJ", "D-JXJ", 12, "5", "个"),
    ("包容普惠创新", "公共文化与创业孵化载体", "D-KJJ", "D-SWJ", 10, "3", "个"),
    ("政务服务", "企业诉求“接诉即办”按时响应率", "D-YSHJ", "D-12345", 12, "98", "%"),
    ("纳税", "小微企业减税降费政策直达", "D-SWSWJ", "D-CZJ", 8, "100", "%"),
    ("开办企业", "经营主体歇业备案“一网通办”", "D-SCJ", "", 11, "100", "%"),
]
REPORT_TEXTS = [
    "已召开专题推进会，明确责任分工和时间节点。",
    "按月度计划推进，相关系统已完成联调测试。",
    "已梳理流程环节并压减材料，正在试运行。",
    "本月完成阶段目标，形成工作台账。",
    "与配合单位会商解决数据共享问题，进度符合预期。",
]
COMMENTS = [
    "进度滞后，请牵头单位拿出具体措施，下月讲评时汇报。",
    "本月推进有力，经验做法可在全区推广。",
    "请配合单位加强协同，不能只挂名不出力。",
    "目标值要实打实，不能以文件代替落实。",
]
FINDINGS = [  # source, unit, problem, days ago found, limit, fate
    ("unannounced", "D-SPJ", "企业开办窗口午间无人值守", 150, 5, "accepted"),
    (
        "unannounced",
        "D-ZJJ",
        "施工许可要求企业重复提交已共享材料",
        120,
        10,
        "returned_then_accepted",
    ),
    ("inspection", "D-ZRZYJ", "不动产登记预约号源被中介占用", 100, 15, "accepted_late"),
    ("supervision", "D-SWUJ", "用水报装收费标准未公示", 80, 10, "accepted"),
    ("inspection", "D-SCJ", "涉企检查未执行“双随机”", 60, 15, "accepted"),
    ("supervision", "D-RSJ", "欠薪线索转办超时", 40, 10, "submitted"),
    ("unannounced", "D-JXJ", "企业反映接电验收多头跑", 30, 10, "open_overdue"),
    ("inspection", "D-CZJ", "政府采购合同未按时公开", 5, 10, "open"),
]


def _handler(org: Organisation) -> User:
    membership = (
        Membership.objects.filter(organisation=org, role=Role.HANDLER)
        .select_related("user")
        .order_by("id")
        .first()
    )
    assert membership is not None, f"no handler at {org}"
    return membership.user


def _evidence(title: str) -> list[SimpleUploadedFile]:
    body = f"%PDF-1.4\n% {title}\n".encode()
    return [SimpleUploadedFile("佐证材料.pdf", body, content_type="application/pdf")]


def demo_year(today: dt.date) -> int:
    """The year whose list the demo shows: this year once it is some months old, else
    last year (so a demo seeded in January still has a year of work to show)."""
    return (today - dt.timedelta(days=120)).year


def seed_tasklist(clock: DemoClock) -> int:
    """Returns the number of tasks created (0 when the year's list already exists)."""
    year = demo_year(clock.today)
    if Indicator.objects.filter(year=year).exists():
        return 0
    rng = random.Random(13)
    office = User.objects.get(username="supervisor")
    leader = User.objects.get(username="leader")
    orgs = {o.code: o for o in Organisation.objects.filter(code__startswith="D-")}
    clock.at(clock.office_time(dt.date(year, 1, 6), rng))
    indicators = {
        name: services.create_indicator(
            actor=office, year=year, name=name, lead_department=orgs[LEADS[name]]
        )
        for name in services.STANDARD_INDICATORS
    }
    tasks: list[Task] = []
    for name, title, lead, others, month, target, unit in TASKS:
        due = _month_end(year, month)
        start = 2
        tasks.append(
            services.create_task(
                indicators[name],
                actor=office,
                title=title,
                lead_unit=orgs[lead],
                units=[orgs[c] for c in others.split()],
                due_on=due,
                target_value=target,
                target_unit=unit,
                cycle="monthly",
                plan=[
                    services.PlanLine(m, _milestone(m, start, month), None)
                    for m in range(start, month + 1)
                ],
            )
        )
    steps: list[tuple[dt.datetime, Callable[[], object]]] = []
    for n, task in enumerate(tasks):
        steps += _task_story(task, n, clock, rng)
    for month in range(1, 13):  # steps still in the future are left undone
        sweep_at = clock.office_time(_month_end(year, month), rng)
        steps.append((sweep_at, services.sweep_overdue_tasks))
        steps += _comments(tasks, indicators, leader, year, month, clock, rng)
    steps += _findings(office, orgs, clock, rng)
    for moment, action in sorted(steps, key=lambda s: s[0]):
        if clock.at(moment):
            action()
    clock.back_to_now()
    services.sweep_overdue_tasks()
    services.sweep_overdue_findings()
    return len(tasks)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)


def _milestone(month: int, start: int, due: int) -> str:
    if month == due:
        return "全面完成并验收"
    if month == start:
        return "制定实施方案"
    return "按计划推进，完成阶段目标" if month < due - 1 else "试运行并查漏补缺"


def _task_story(
    task: Task, n: int, clock: DemoClock, rng: random.Random
) -> list[tuple[dt.datetime, Callable[[], object]]]:
    """Monthly reports, then completion: on time (most), late (every 6th) or never
    (every 7th, left overdue)."""
    handler = _handler(task.lead_unit)
    year, due_month = task.due_on.year, task.due_on.month
    fate = "late" if n % 6 == 5 else "never" if n % 7 == 3 else "on_time"
    steps: list[tuple[dt.datetime, Callable[[], object]]] = []
    months = list(range(2, due_month + 1))
    for i, month in enumerate(months):
        share = Decimal(i + 1) / Decimal(len(months) + 1)
        value: Decimal | None = (task.target_value * share).quantize(Decimal("0.01"))
        if task.target_value == task.target_value.to_integral_value():
            # whole things (园区, 场, 家) are counted whole; one-off results only at the end
            value = (task.target_value * share).quantize(Decimal("1"))
            value = value if task.target_value >= 3 else None
        if task.target_unit == "个工作日":
            value = None  # a time limit is measured when the new process runs
        day = dt.date(year, month, rng.randint(18, 26))
        text = REPORT_TEXTS[(n + i) % len(REPORT_TEXTS)]
        steps.append((clock.office_time(day, rng), _report(task, handler, text, value)))
    if fate == "on_time":
        done_on = task.due_on - dt.timedelta(days=rng.randint(2, 5))
    elif fate == "late":
        done_on = task.due_on + dt.timedelta(days=rng.randint(6, 20))
    else:
        return steps
    steps.append((clock.office_time(done_on, rng), _complete(task, handler)))
    return steps


def _report(task: Task, handler: User, text: str, value: Decimal | None) -> Callable[[], object]:
    def run() -> object:
        task.refresh_from_db()
        if task.status != TaskStatus.ACTIVE:
            return None
        return services.report_progress(task, actor=handler, text=text, achieved_value=value)

    return run


def _complete(task: Task, handler: User) -> Callable[[], object]:
    def run() -> object:
        task.refresh_from_db()
        return services.report_progress(
            task,
            actor=handler,
            text="任务已全面完成，验收材料附后。",
            achieved_value=task.target_value,
            files=_evidence(task.title),
            complete=True,
        )

    return run


def _comments(
    tasks: list[Task],
    indicators: dict[str, Indicator],
    leader: User,
    year: int,
    month: int,
    clock: DemoClock,
    rng: random.Random,
) -> list[tuple[dt.datetime, Callable[[], object]]]:
    day = clock.office_time(dt.date(year, month, 28), rng)
    due_soon = [t for t in tasks if t.due_on.month in (month, month + 1)]
    chosen = rng.sample(due_soon, min(2, len(due_soon)))
    steps: list[tuple[dt.datetime, Callable[[], object]]] = [
        (
            day,
            _comment(leader, year, month, COMMENTS[(month + i) % len(COMMENTS)], task=t),
        )
        for i, t in enumerate(chosen)
    ]
    indicator = list(indicators.values())[month % len(indicators)]
    steps.append(
        (
            day,
            _comment(
                leader,
                year,
                month,
                f"{indicator.name}指标本月整体推进情况良好，继续保持。",
                indicator=indicator,
            ),
        )
    )
    return steps


def _comment(
    leader: User, year: int, month: int, text: str, **subject: object
) -> Callable[[], object]:
    def run() -> object:
        return services.add_comment(actor=leader, year=year, month=month, text=text, **subject)  # type: ignore[arg-type]

    return run


def _findings(
    office: User, orgs: dict[str, Organisation], clock: DemoClock, rng: random.Random
) -> list[tuple[dt.datetime, Callable[[], object]]]:
    steps: list[tuple[dt.datetime, Callable[[], object]]] = []
    for source, code, title, ago, limit, fate in FINDINGS:
        found = clock.today - dt.timedelta(days=ago)
        at = clock.office_time(found, rng)
        holder: dict[str, object] = {}

        def record(
            source: str = source,
            code: str = code,
            title: str = title,
            limit: int = limit,
            found: dt.date = found,
            holder: dict[str, object] = holder,
        ) -> object:
            holder["f"] = services.record_finding(
                actor=office, source=source, organisation=orgs[code], title=title,
                found_on=found, limit_days=limit,
            )  # fmt: skip
            return holder["f"]

        steps.append((at, record))
        unit = _handler(orgs[code])
        plan: list[tuple[int, str]] = {
            "accepted": [(limit - 2, "submit"), (limit - 1, "accept")],
            "accepted_late": [(limit + 3, "submit"), (limit + 4, "accept")],
            "returned_then_accepted": [(3, "submit"), (4, "return"), (7, "submit"), (8, "accept")],
            "submitted": [(limit - 3, "submit")],
        }.get(fate, [])
        for days, action in plan:
            steps.append((clock.after(at, days), _finding_step(holder, action, unit, office)))
    return steps


def _finding_step(
    holder: dict[str, object], action: str, unit: User, office: User
) -> Callable[[], object]:
    texts = {
        "submit": "已完成整改：建立制度、明确专人负责，整改情况附后。",
        "return": "整改材料不全，请补充制度文件和现场照片。",
    }

    def run() -> object:
        finding = holder["f"]
        finding.refresh_from_db()  # type: ignore[attr-defined]
        if action == "submit":
            return services.submit_rectification(finding, actor=unit, text=texts["submit"])  # type: ignore[arg-type]
        return services.review_rectification(
            finding,  # type: ignore[arg-type]
            actor=office,
            accept=action == "accept",
            note=texts.get(action, "整改到位，验收通过。"),
        )

    return run
