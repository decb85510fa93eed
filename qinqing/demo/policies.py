"""The demo's policy library through the policies services: two documents, the 13
programmes as items with published rules (免申即享 or by application), a full
matching run, grant lists drafted by one officer and approved by another, payouts,
and applications at every stage (submitted, returned, resubmitted, approved, paid,
rejected, withdrawn). Everything is looked up first, so a second run adds nothing."""

import datetime as dt
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from qinqing.accounts.models import Organisation, User
from qinqing.demo.clock import DemoClock
from qinqing.demo.programmes import AUTO, DELIVERY, PROGRAMMES, bind
from qinqing.enterprises.models import Enterprise
from qinqing.policies import services
from qinqing.policies.models import (
    Application,
    ApplicationStatus,
    BenefitKind,
    Disbursement,
    EnterpriseMaterial,
    GrantBatch,
    ItemKind,
    MatchResult,
    MatchRun,
    Outcome,
    PolicyDocument,
    PolicyItem,
    PublishStatus,
)

PERIOD = "2025"
DOCUMENTS = {
    "tech": (
        "广安区促进科技创新高质量发展若干政策措施",
        "广安区人民政府",
        "广安府发〔2026〕8号",
        "为深入实施创新驱动发展战略，加快培育科技型企业梯队，对科技型中小企业、高新技术企业、"
        "企业技术中心和研发中心、重大科技项目给予奖励和支持。奖补资金实行“免申即享”与“一窗兑现”。",
    ),
    "ip": (
        "广安区知识产权强区建设专项资金管理办法",
        "广安区市场监督管理局",
        "广安市监发〔2026〕3号",
        "对知识产权试点、示范企业予以认定和支持，鼓励企业创造、运用和保护知识产权。",
    ),
}
CONTACTS = {"D-KJJ": ("韩科长", "0826-2221010"), "D-JXJ": ("周科长", "0826-2221002"),
            "D-SCJ": ("吴科长", "0826-2221003")}  # fmt: skip
RETURN_NOTE = "研发费用专项审计报告未盖章，请补充后重新提交。"
PDF = b"%PDF-1.4\n% qinqing demo material\n"


def seed_policies(
    clock: DemoClock,
    *,
    officer: User,
    approver: User,
    window: User,
    departments: dict[str, Organisation],
) -> dict[str, int]:
    published = _library(clock, officer, departments)
    items = {n: PolicyItem.objects.get(title=p["title"]) for n, p in PROGRAMMES.items()}
    clock.at(_day(clock, 7, 1))
    if published or not MatchRun.objects.filter(status=MatchRun.Status.DONE).exists():
        services.run_full_match(services.start_full_match(actor=officer).pk)
    grants = _grants(clock, items, officer, approver)
    applications = _applications(clock, items, window, officer, approver)
    clock.back_to_now()
    return {"published": published, "grants": grants, "applications": applications}


def policy_year(clock: DemoClock) -> int:
    """The year whose June the library was published in: this one from November on."""
    return (
        clock.today.year
        if clock.today >= dt.date(clock.today.year, 11, 1)
        else clock.today.year - 1
    )


def _day(clock: DemoClock, month: int, day: int) -> dt.datetime:
    """A moment in office hours on that day of the policy year (the same on every run)."""
    rng = random.Random(month * 100 + day)
    return clock.office_time(dt.date(policy_year(clock), month, day), rng)


def _library(clock: DemoClock, officer: User, departments: dict[str, Organisation]) -> int:
    clock.at(_day(clock, 5, 20))
    year = policy_year(clock)
    documents = {}
    for key, (title, issuer, number, text) in DOCUMENTS.items():
        document = PolicyDocument.objects.filter(title=title).first()
        if document is None:
            document = services.save_document(
                PolicyDocument(
                    title=title, issuer=issuer, doc_number=number, full_text=text,
                    issued_on=dt.date(year, 5, 18),
                    effective_from=dt.date(year, 6, 1),
                    effective_to=dt.date(year + 2, 5, 31),
                ),
                actor=officer,
            )  # fmt: skip
            services.set_document_status(document, actor=officer, action="publish")
        documents[key] = document
    ids: dict[int, int] = {}
    published = 0
    clock.at(_day(clock, 6, 2))
    for n, programme in PROGRAMMES.items():
        mode, dept, materials, budget = DELIVERY[n]
        item = PolicyItem.objects.filter(title=programme["title"]).first()
        if item is None:
            contact, phone = CONTACTS[dept]
            amount = programme["amount"]
            item = services.save_item(
                PolicyItem(
                    document=documents["ip" if n in (9, 10) else "tech"],
                    title=programme["title"],
                    kind=ItemKind.SUBSIDY if amount else ItemKind.QUALIFICATION,
                    summary=_summary(programme["title"], amount, mode),
                    benefit_kind=BenefitKind.FIXED if amount else BenefitKind.RIGHT,
                    amount=Decimal(amount) if amount else None,
                    right_text="" if amount else "授予称号并优先推荐上级项目",
                    budget=Decimal(budget) if budget else None,
                    department=departments[dept],
                    contact_name=contact,
                    contact_phone=phone,
                    mode=mode,
                    period=PERIOD,
                    payout_days=30 if mode == AUTO else 60,
                    required_materials=materials,
                    window_opens=None if mode == AUTO else dt.date(year, 6, 15),
                    window_closes=None if mode == AUTO else dt.date(year, 12, 31),
                    valid_from=dt.date(year, 6, 1),
                ),
                actor=officer,
            )
            services.set_item_status(item, actor=officer, action="publish")
        ids[n] = item.pk
    clock.at(_day(clock, 6, 16))
    for n, programme in PROGRAMMES.items():
        item = PolicyItem.objects.get(pk=ids[n])
        if item.current_rule_id is None:
            version = services.draft_rule(item, actor=officer, tree=bind(programme["rule"], ids))
            services.publish_rule(version, actor=officer)
            published += 1
    return published


def _summary(title: str, amount: int | None, mode: str) -> str:
    how = "无需申报，符合条件的企业经审核后直接拨付" if mode == AUTO else "企业通过“一窗兑现”申报"
    what = f"一次性奖励 {amount} 万元" if amount else "授予称号"
    return f"对符合“{title}”条件的区内企业，{what}；{how}。"


def _grants(clock: DemoClock, items: dict[int, PolicyItem], officer: User, approver: User) -> int:
    """A 2025 grant list for each 免申即享 item, approved, most of it paid."""
    rng = random.Random(2033)
    made = 0
    for month, n in enumerate(sorted(n for n, (mode, *_rest) in DELIVERY.items() if mode == AUTO)):
        item = items[n]
        key = f"demo-grant-{n}-{PERIOD}"
        if GrantBatch.objects.filter(idempotency_key=key).exists():
            continue
        clock.at(_day(clock, 7, 6 + 3 * month))
        batch = services.create_grant_batch(item, actor=officer, period=PERIOD, idempotency_key=key)
        if n == 9:
            continue  # the newest list waits for the second officer's approval
        clock.at(clock.after(timezone.now(), 3))
        batch = services.approve_grant_batch(batch, actor=approver)
        paid_on = clock.after(timezone.now(), 10)
        if clock.at(paid_on):
            for disbursement in Disbursement.objects.filter(item=item, period=PERIOD).order_by(
                "pk"
            ):
                if rng.random() < 0.8:
                    services.mark_disbursement_paid(
                        disbursement, actor=officer, paid_on=timezone.localdate()
                    )
        made += 1
    return made


# The life of the applications to one item, in order: what happens after submission.
STORIES = ("paid", "approved", "returned", "resubmitted", "rejected", "withdrawn", "submitted")


def _applications(
    clock: DemoClock, items: dict[int, PolicyItem], window: User, officer: User, payer: User
) -> int:
    made = 0
    start = _day(clock, 8, 3)
    for n, item in items.items():
        if item.mode == AUTO:
            continue
        eligible = list(
            MatchResult.objects.filter(item=item, outcome__in=[Outcome.ELIGIBLE, Outcome.UNKNOWN])
            .order_by("-outcome", "enterprise_id")
            .values_list("enterprise_id", flat=True)[: len(STORIES)]
        )
        for story, enterprise in zip(
            STORIES, Enterprise.objects.filter(pk__in=eligible), strict=False
        ):
            key = f"demo-application-{n}-{enterprise.pk}"
            if Application.objects.filter(idempotency_key=key).exists():
                continue
            rng = random.Random(key)
            moment = start + dt.timedelta(days=rng.randrange(0, 75))
            if not clock.at(clock.office_time(moment.date(), rng)):
                continue
            _materials(item, enterprise, window)
            application = services.submit_application(
                item, actor=window, enterprise=enterprise, idempotency_key=key,
                note="企业到惠企政策兑现窗口申报。",
            )  # fmt: skip
            made += 1
            _decide(application, story, clock, (officer, payer), window)
    return made


def _decide(
    application: Application,
    story: str,
    clock: DemoClock,
    officers: tuple[User, User],
    window: User,
) -> None:
    """`officers`: the one who decides, and a second one who confirms a payment (四眼原则)."""
    officer, payer = officers
    if story == "submitted" or not clock.at(clock.after(timezone.now(), 4)):
        return
    if story in ("returned", "resubmitted"):
        application = services.return_application(application, actor=officer, note=RETURN_NOTE)
        if story == "returned" or not clock.at(clock.after(timezone.now(), 3)):
            return
        application = services.resubmit_application(
            application, actor=window, note="已补充盖章的审计报告。"
        )
        return
    if story == "withdrawn":
        services.withdraw_application(application, actor=window)
        return
    if story == "rejected":
        services.reject_application(
            application, actor=officer, note="经核查，企业 2025 年度研发费用未达到申报条件。"
        )
        return
    application = services.approve_application(
        application, actor=officer, note="材料齐全，符合条件。"
    )
    if story == "paid" and clock.at(clock.after(timezone.now(), 8)):
        disbursement = Disbursement.objects.get(application=application)
        services.mark_disbursement_paid(disbursement, actor=payer, paid_on=timezone.localdate())


def _materials(item: PolicyItem, enterprise: Enterprise, actor: User) -> None:
    """Materials on file once per enterprise and type (一次采集、多次使用)."""
    have = set(
        EnterpriseMaterial.objects.filter(enterprise=enterprise).values_list(
            "material_type", flat=True
        )
    )
    for material_type in item.required_materials or []:
        if material_type not in have:
            services.save_material(
                enterprise,
                actor=actor,
                material_type=material_type,
                file=ContentFile(PDF, name=f"{material_type}.pdf"),
                valid_to=clock_year_end(),
            )
            have.add(material_type)


def clock_year_end() -> dt.date:
    today = timezone.localdate()
    return dt.date(today.year + 1, 12, 31)


def summary() -> dict[str, int]:
    return {
        "items": PolicyItem.objects.filter(status=PublishStatus.PUBLISHED).count(),
        "eligible": MatchResult.objects.filter(outcome=Outcome.ELIGIBLE).count(),
        "applications": Application.objects.exclude(status=ApplicationStatus.SUBMITTED).count(),
    }
