"""Demo appeals at every stage of the closed loop, made through the real services (so
clocks, events and notifications are as in production). Re-runnable: each demo appeal
has an idempotency key, and only a newly created one is moved along."""

import random

from qinqing.accounts.models import Organisation, User
from qinqing.appeals import services
from qinqing.appeals.models import AppealType, Category, Channel, Rating, ReplyResult
from qinqing.enterprises.models import Enterprise

# (title, description, department code)
SAMPLES = [
    (
        "厂区连续停电影响生产",
        "园区 10kV 线路检修后多次跳闸，本周已停电三次，生产线被迫停工。",
        "D-JXJ",
    ),
    ("技改补贴迟迟未拨付", "去年申报的技术改造补贴已公示通过，至今未到账，请帮助协调。", "D-JXJ"),
    ("营业执照经营范围变更咨询", "想增加医疗器械销售，需要准备哪些材料、多长时间能办好？", "D-SCJ"),
    ("食品经营许可证延续办理慢", "许可证即将到期，窗口说系统升级暂停受理，担心影响经营。", "D-SCJ"),
    (
        "厂房施工许可办理受阻",
        "新建厂房规划许可已取得，施工许可提示缺少图审意见，但图审已完成。",
        "D-ZJJ",
    ),
    ("企业门口道路破损严重", "渠江路企业门口路面塌陷，大货车无法进出，存在安全隐患。", "D-JTJ"),
    ("招工难，希望组织专场招聘", "公司急需 50 名熟练工，希望人社部门帮助组织专场招聘会。", "D-RSJ"),
    ("稳岗返还政策咨询", "去年没有裁员，是否符合稳岗返还条件？需要申请吗？", "D-RSJ"),
    ("环评手续办理咨询", "扩建一条喷涂线，需要重新做环评还是做变更？", "D-STHJJ"),
    ("用水报装周期太长", "新厂区用水报装已申请一个月，仍未安排开挖施工。", "D-SWUJ"),
    ("增值税留抵退税进度", "提交留抵退税申请已两周，想了解审核进度。", "D-SWSWJ"),
    ("高新技术企业认定辅导", "希望科技部门对高企认定材料给予辅导。", "D-KJJ"),
]


def seed_appeals(count: int = 36) -> int:
    rng = random.Random(2027)
    intake = User.objects.get(username="intake")
    supervisor = User.objects.get(username="supervisor")
    handlers = {
        "D-JXJ": User.objects.get(username="handler"),
        "D-SCJ": User.objects.get(username="handler2"),
        "D-ZJJ": User.objects.get(username="handler3"),
    }
    departments = {org.code: org for org in Organisation.objects.filter(code__startswith="D-")}
    categories = list(Category.objects.filter(parent__isnull=False)) or list(Category.objects.all())
    enterprises = list(Enterprise.objects.order_by("uscc")[:60])
    created = 0
    for i in range(count):
        title, description, dept_code = SAMPLES[i % len(SAMPLES)]
        enterprise = enterprises[i % len(enterprises)]
        appeal, is_new = services.register_appeal(
            actor=intake,
            channel=[Channel.PHONE, Channel.WINDOW, Channel.PORTAL, Channel.LIAISON][i % 4],
            appeal_type=[AppealType.APPEAL, AppealType.INQUIRY, AppealType.COMPLAINT][i % 3],
            category=categories[i % len(categories)] if categories else None,
            title=title,
            description=description,
            enterprise=enterprise,
            requester_name=enterprise.contact_name or "联系人",
            requester_phone=enterprise.contact_phone or "13800000000",
            address=enterprise.address,
            division=enterprise.division,
            idempotency_key=f"demo-appeal-{i}",
        )
        if not is_new:
            continue
        created += 1
        handler = handlers.get(dept_code)
        # every stage of the loop, spread over the departments that have demo handlers
        stage = (i // len(SAMPLES) * 2 + i) % 6 if handler else min(i % 6, 1)
        if stage >= 1:
            services.dispatch_appeal(
                appeal, actor=intake, to=departments[dept_code], note="请按时办理"
            )
        if stage >= 2:
            services.acknowledge_appeal(appeal, actor=handler)
        if stage >= 3:
            services.record_contact(
                appeal, actor=handler, method="phone", person=appeal.requester_name
            )
        if stage >= 4:
            result = rng.choice([ReplyResult.SOLVED, ReplyResult.SOLVED, ReplyResult.PARTLY])
            services.reply_appeal(
                appeal, actor=handler, result=result, text="已与企业对接并协调相关单位解决。"
            )
        if stage >= 5:
            rating = rng.choice(
                [Rating.VERY_SATISFIED, Rating.SATISFIED, Rating.SATISFIED, Rating.BASIC]
            )
            services.call_back_appeal(appeal, actor=supervisor, solved=True, rating=rating)
            services.close_appeal(appeal, actor=supervisor)
    return created
