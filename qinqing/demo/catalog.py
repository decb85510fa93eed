"""The demo district's service catalog: items shaped like a district's 实施清单, three
一件事 bundles, certificates on file and matters in every state, all through the
services. Safe to run again (items by code, bundles by code; matters only once)."""

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from qinqing.accounts.models import Membership, Organisation, Role, User
from qinqing.catalog import bundles, services
from qinqing.catalog.models import (
    Bundle,
    BundleItem,
    MaterialSource,
    Matter,
    MatterChannel,
    ServiceItem,
)
from qinqing.demo.district import demo_password_hash
from qinqing.enterprises.models import Enterprise

# code, name, department, type, legal, promised, instant, visits, depth, channels, scope,
# 告知承诺, 容缺, 秒批 rule, materials [name, kind, source], fields, everyday words,
# issued certificate kind, valid years: one item a line in data/catalog_items.json
ITEMS: list[list[Any]] = json.loads(
    (Path(__file__).parent / "data" / "catalog_items.json").read_text(encoding="utf-8")
)
L = "licence"  # 行政许可
SOURCES = {
    "department": MaterialSource.DEPARTMENT,
    "certificate": MaterialSource.CERTIFICATE,
    "applicant": MaterialSource.APPLICANT,
}
CHANNEL_LETTERS = {"w": "window", "o": "online", "m": "mobile", "k": "kiosk"}
WINDOW_OF = {"D-SPJ": "W-01", "D-ZJJ": "W-02", "D-ZRZYJ": "W-02"}

BUNDLES = [
    (
        "kaiban-qiye",
        "开办企业",
        "open",
        "营业执照、刻章、税务、社保、公积金一次申请，一日办结。",
        [],
        [("A0001", ""), ("A0045", ""), ("A0042", ""), ("A0035", ""), ("A0041", "")],
    ),
    (
        "kai-canguan",
        "开餐馆",
        "food",
        "餐饮店开业所需的许可一次申请：执照、食品经营许可，按需办招牌、排水、消防。",
        [
            {"key": "sign", "label": "需要设置户外招牌"},
            {"key": "drainage", "label": "有后厨排水（排入市政管网）"},
            {"key": "large", "label": "营业面积 300 平方米以上（公众聚集场所）"},
        ],
        [
            ("A0002", ""),
            ("A0005", ""),
            ("A0008", "sign"),
            ("A0009", "drainage"),
            ("A0010", "large"),
        ],
    ),
    (
        "yuangong-luyong",
        "员工录用",
        "hire",
        "新员工入职：就业登记、社保增员、公积金一次办好。",
        [{"key": "new_unit", "label": "本单位还没有办理社保登记"}],
        [("A0034", ""), ("A0035", "new_unit"), ("A0036", "")],
    ),
]


def seed_catalog() -> str:
    with transaction.atomic():
        orgs = {o.code: o for o in Organisation.objects.exclude(code="")}
        items = _seed_items(orgs)
        _seed_bundles(items)
        made = _seed_matters(orgs, items) if not Matter.objects.exists() else 0
    return f"{len(items)} 个事项、{len(BUNDLES)} 个一件事、新增演示办件 {made} 件"


def _seed_items(orgs: dict[str, Organisation]) -> dict[str, ServiceItem]:
    items: dict[str, ServiceItem] = {}
    for n, row in enumerate(ITEMS):
        (
            short,
            name,
            dept,
            kind,
            legal,
            promised,
            instant,
            visits,
            depth,
            channels,
            scope,
            commit,
            tolerate,
            rule,
            materials,
            fields,
            words,
            issues,
            years,
        ) = row
        code = f"511{'A' if kind == L else 'B'}{short[1:]:0>10}-511602000000-000-11511602{n:08d}AB-1-00"
        item = ServiceItem.objects.filter(code=code).first() or ServiceItem(code=code)
        item.name, item.department, item.item_type = name, orgs[dept], kind
        item.window = orgs.get(WINDOW_OF.get(dept, ""))
        item.legal_days, item.promised_days, item.is_instant = legal, promised, instant
        item.visits, item.online_depth, item.scope = visits, depth, scope
        item.channels = [CHANNEL_LETTERS[c] for c in channels]
        item.notify_commit, item.tolerate_missing = commit, tolerate
        item.instant_approval, item.auto_rule = bool(rule), rule
        item.form_fields, item.keywords = fields, words
        item.issues_kind, item.issue_valid_years = issues, years or None
        item.fee = "不收费"
        item.legal_basis = (
            "《中华人民共和国行政许可法》及相关法律法规"
            if kind == L
            else "相关法律法规及规范性文件"
        )
        item.conditions = "申请人材料齐全、符合法定形式。"
        services.index_item(item)
        item.save()
        services.replace_materials(
            item,
            [
                {
                    "name": m_name,
                    "kind": m_kind,
                    "source": SOURCES[source],
                    "provider": "区住建局" if source == "department" else "",
                }
                for m_name, m_kind, source in materials
            ],
        )
        items[short] = item
    return items


def _seed_bundles(items: dict[str, ServiceItem]) -> None:
    for code, name, intent, description, questions, entries in BUNDLES:
        bundle, _ = Bundle.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "intent": intent,
                "description": description,
                "questions": questions,
            },
        )
        for order, (short, condition) in enumerate(entries):
            BundleItem.objects.update_or_create(
                bundle=bundle, item=items[short], defaults={"condition": condition, "order": order}
            )


def _person(username: str, full_name: str, role: str, org: Organisation) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
    if created:
        user.password = demo_password_hash()
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, organisation=org, role=role)
    return user


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{name}.pdf", b"%PDF-1.4 demo", content_type="application/pdf")


def _seed_matters(orgs: dict[str, Organisation], items: dict[str, ServiceItem]) -> int:
    approver = _person("approver", "冯审批", Role.HANDLER, orgs["D-SPJ"])
    _person("approver_head", "蒋科长", Role.DEPT_HEAD, orgs["D-SPJ"])
    hr = _person("hr", "韩社保", Role.HANDLER, orgs["D-RSJ"])
    handler = User.objects.get(username="handler")  # 经信局
    owner = User.objects.get(username="enterprise")
    other = User.objects.get(username="enterprise2")
    firm = Enterprise.objects.get(uscc=owner.uscc)
    firm.tax_credit_rating = "A"
    firm.save(update_fields=["tax_credit_rating"])
    today = timezone.localdate()
    services.upload_certificate(
        firm,
        actor=owner,
        kind="business_licence",
        number=f"{firm.uscc}",
        issuer="广安区行政审批局",
        valid_from=firm.registered_on or dt.date(2018, 1, 1),
    )
    services.upload_certificate(
        firm,
        actor=owner,
        kind="id_card",
        number="5116021980****0012",
        issuer="广安市公安局广安区分局",
        valid_from=dt.date(2016, 5, 1),
        valid_to=dt.date(2036, 5, 1),
    )
    services.upload_certificate(
        firm,
        actor=owner,
        kind="lease",
        number="ZL-2024-0318",
        issuer="广安市房产租赁服务中心",
        valid_from=dt.date(2024, 3, 18),
        valid_to=today + dt.timedelta(days=400),
    )
    services.upload_certificate(
        firm,
        actor=owner,
        kind="health_certificate",
        number="JK-2025-1180",
        issuer="广安区疾病预防控制中心",
        valid_from=today - dt.timedelta(days=30),
        valid_to=today - dt.timedelta(days=1),
    )  # expired: asked again
    services.sync_registry_certificates(firm)
    now = timezone.now()
    made = 0

    def apply(short: str, user: User = owner, **kw: Any) -> Matter:
        nonlocal made
        made += 1
        uploads = {m.key: _pdf(m.name) for m in items[short].materials.all()}
        return services.apply_for_item(
            items[short],
            actor=user,
            uploads=uploads,
            form_data=dict.fromkeys(items[short].form_fields, firm.name)
            | {"phone": firm.contact_phone},
            **kw,
        )

    apply("A0005")  # 秒批 declines (health certificate expired): waits for acceptance
    apply("A0026")  # 秒批: approved at once from registry facts
    apply("A0028", user=other)  # submitted, waiting (经信局 worklist)
    m = apply("A0029")
    services.accept_matter(m, actor=handler)
    m = apply("A0030", user=other)
    services.accept_matter(m, actor=handler)
    services.start_review(m, actor=handler)
    m = apply("A0003")
    services.accept_matter(m, actor=approver)
    services.request_correction(m, actor=approver, note="变更决议缺少全体股东签字，请补正。")
    m = apply("A0014")
    services.accept_matter(
        m, actor=approver, missing_material="执业药师注册证（原件核验）", missing_days=5
    )
    m = apply("A0012")
    services.accept_matter(m, actor=approver)
    services.request_correction(m, actor=approver, note="经营场所平面图不清晰。")
    services.resubmit_matter(m, actor=owner, note="已重新上传平面图")
    services.request_correction(m, actor=approver, note="租赁期限不足一年。")  # 补正 twice: flagged
    m = apply("A0008")
    services.accept_matter(m, actor=approver)
    services.decide_matter(
        m,
        actor=approver,
        approve=True,
        reason="符合设置规范，准予设置",
        document_dated=today - dt.timedelta(days=2),
    )  # 体外循环: flagged
    m = apply("A0040", user=other)
    services.accept_matter(m, actor=approver)
    services.decide_matter(
        m,
        actor=approver,
        approve=False,
        reason="劳务派遣管理制度不健全",
        legal_ground="《劳务派遣行政许可实施办法》第六条",
    )
    m = apply("A0040", user=other)
    services.not_accept_matter(
        m, actor=approver, reason="申请材料与上次相同，未作修改"
    )  # no legal ground, repeated refusal
    m = apply("A0052")
    services.withdraw_matter(m, actor=owner, reason="质押合同需重新签订")
    m = apply(
        "A0034",
        user=hr,
        channel=MatterChannel.WINDOW,
        enterprise=firm,
        applicant_name=firm.name,
        applicant_phone=firm.contact_phone,
    )
    services.accept_matter(m, actor=hr)  # 即办件: closed on the spot
    m = apply(
        "A0015",
        user=approver,
        channel=MatterChannel.PROXY,
        enterprise=firm,
        applicant=owner,
        applicant_name=firm.name,
    )
    services.accept_matter(
        m, actor=approver, now=now - dt.timedelta(days=40)
    )  # overdue, flagged by the sweep
    application = bundles.submit_bundle(
        Bundle.objects.get(code="kai-canguan"),
        actor=owner,
        answers={"sign": "yes"},
        form_data={
            "company_name": firm.name,
            "legal_person": firm.contact_name or "刘企业",
            "phone": firm.contact_phone or "0826-2220000",
            "address": firm.address or "广安区北辰街道",
            "business_scope": "餐饮服务",
            "area": "120",
            "sign_text": f"{firm.name} 4×1 米",
        },
        uploads={
            "name:食品安全管理制度": _pdf("制度"),
            "health_certificate": _pdf("健康证"),
            "name:招牌设计效果图": _pdf("效果图"),
        },
    )
    made += application.matters.count()
    from qinqing.catalog.watch import sweep_overdue

    sweep_overdue()
    return made
