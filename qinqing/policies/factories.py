"""Test and demo helpers that build policy objects through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from qinqing.accounts.models import Organisation
from qinqing.enterprises import services as registry
from qinqing.enterprises.models import Enterprise, Qualification, Source, YearFact
from qinqing.lib.uscc import make_uscc
from qinqing.policies import services
from qinqing.policies.models import PolicyDocument, PolicyItem, PublishStatus, RuleVersion

_seq = iter(range(100, 10_000_000))


def make_document(
    *, actor: Any, title: str = "关于支持科技创新的若干政策", **extra: Any
) -> PolicyDocument:
    values: dict[str, Any] = {
        "issuer": "区人民政府",
        "doc_number": "广安府发〔2025〕3号",
        "issued_on": dt.date(2025, 3, 1),
        "full_text": "为加快建设创新型城区，对高新技术企业给予奖励。",
    }
    values.update(extra)
    document = services.save_document(PolicyDocument(title=title, **values), actor=actor)
    return services.set_document_status(document, actor=actor, action="publish")


def make_item(
    *,
    actor: Any,
    department: Organisation,
    document: PolicyDocument | None = None,
    publish: bool = True,
    **extra: Any,
) -> PolicyItem:
    values: dict[str, Any] = {
        "title": "高新技术企业认定奖励",
        "kind": "subsidy",
        "benefit_kind": "fixed",
        "amount": Decimal("20"),
        "contact_name": "刘科长",
        "contact_phone": "0826-2345678",
        "period": "2025",
    }
    values.update(extra)
    item = services.save_item(
        PolicyItem(
            document=document or make_document(actor=actor), department=department, **values
        ),
        actor=actor,
    )
    if publish:
        item = services.set_item_status(item, actor=actor, action="publish")
    return item


def publish_rule(item: PolicyItem, tree: dict[str, Any], *, actor: Any) -> RuleVersion:
    version = services.draft_rule(item, actor=actor, tree=tree)
    version = services.publish_rule(version, actor=actor)
    services.rematch_items([item.pk])  # what the after-commit task does
    return version


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(getattr(value, "code", None), str):
        return value.code  # an organisation, as an import names its division
    return str(value)


def make_enterprise(name: str = "测试企业", **extra: Any) -> Enterprise:
    """Through the registry's service, as an import row would arrive."""
    number = next(_seq)
    uscc = make_uscc(f"91511602{number:09d}")
    values = {"name": f"{name}{number}", **{k: _cell(v) for k, v in extra.items()}}
    return registry.record_profile(uscc, source=Source.OFFICER, actor=None, values=values)


def year_fact(
    enterprise: Enterprise, year: int, source: str = Source.STATS, **values: Any
) -> YearFact:
    """One source's yearly figures, through the registry's service (which re-matches)."""
    registry.record_profile(
        enterprise.uscc,
        source=source,
        actor=None,
        values={k: str(v) for k, v in values.items()},
        year=year,
    )
    return YearFact.objects.get(enterprise=enterprise, year=year, source=source)


def qualification(
    enterprise: Enterprise, kind: str, valid_from: dt.date, valid_to: dt.date | None = None
) -> Qualification:
    return registry.record_qualification(
        enterprise,
        actor=None,
        kind=kind,
        valid_from=valid_from,
        valid_to=valid_to,
        source=Source.OFFICER,
        certificate_no=f"C{next(_seq)}",
    )


def published(item: PolicyItem) -> bool:
    return item.status == PublishStatus.PUBLISHED
