"""Items, bundles and certificates for tests, written as the admin or import would."""

from typing import Any

from qinqing.accounts.models import Organisation
from qinqing.catalog.models import Bundle, BundleItem, Material, MaterialSource, ServiceItem
from qinqing.catalog.services import index_item

_SEQ = [0]


def make_item(department: Organisation, name: str = "食品经营许可", **fields: Any) -> ServiceItem:
    _SEQ[0] += 1
    materials = fields.pop("materials", [])
    defaults: dict[str, Any] = {
        "code": f"511A{_SEQ[0]:010d}-511602000000-000-115116020000000001-1-00",
        "item_type": "licence",
        "legal_days": 20,
        "promised_days": 5,
        "form_fields": ["company_name", "phone"],
    }
    item = ServiceItem(name=name, department=department, **(defaults | fields))
    index_item(item)
    item.save()
    for order, (m_name, kind) in enumerate(materials):
        Material.objects.create(
            item=item,
            name=m_name,
            kind=kind,
            source=MaterialSource.CERTIFICATE if kind else MaterialSource.APPLICANT,
            order=order,
        )
    return item


def make_bundle(
    code: str, entries: list[tuple[ServiceItem, str]], questions: list[dict[str, str]] | None = None
) -> Bundle:
    bundle = Bundle.objects.create(
        code=code, name="开餐馆", intent="food", questions=questions or []
    )
    for order, (item, condition) in enumerate(entries):
        BundleItem.objects.create(bundle=bundle, item=item, condition=condition, order=order)
    return bundle
