"""一件事一次办: which items of a bundle apply (by the applicant's answers), the one form
that asks each fact and each material once, what that saves, and the submission that
splits into the items' matters (tracked as one BundleApplication)."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qinqing.catalog import selectors
from qinqing.catalog.models import (
    Bundle,
    BundleApplication,
    BundleItem,
    Certificate,
    Material,
    MaterialSource,
    Matter,
    MatterChannel,
    ServiceItem,
    Visits,
)
from qinqing.catalog.services import Uploads, _apply, _clean
from qinqing.catalog.vocab import field_label
from qinqing.enterprises.models import Enterprise


@dataclass
class AskedMaterial:
    key: str
    name: str
    items: list[str]
    required: bool
    on_file: Certificate | None = None
    shared_by: str = ""  # 部门共享: another department provides it

    @property
    def asked(self) -> bool:
        return self.on_file is None and not self.shared_by


@dataclass
class BundleForm:
    bundle: Bundle
    items: list[ServiceItem]
    fields: list[tuple[str, str]]  # (key, label), each once
    materials: list[AskedMaterial]
    fields_separately: int  # what the items would ask one by one
    materials_separately: int
    trips_separately: int
    trips_bundle: int
    questions: list[dict[str, str]] = field(default_factory=list)

    @property
    def fields_saved(self) -> int:
        return self.fields_separately - len(self.fields)

    @property
    def materials_saved(self) -> int:
        return self.materials_separately - sum(1 for m in self.materials if m.asked)

    @property
    def trips_saved(self) -> int:
        return self.trips_separately - self.trips_bundle


def _yes(value: Any) -> bool:
    return str(value).lower() in ("1", "true", "yes", "on", "是")


def applicable_entries(bundle: Bundle, answers: Mapping[str, Any]) -> list[BundleItem]:
    """Entries without a condition always apply; the others when their question is yes."""
    return [
        e
        for e in bundle.entries.select_related("item", "item__department").order_by("order", "id")
        if not e.condition or _yes(answers.get(e.condition, ""))
    ]


def _trips(item: ServiceItem) -> int:
    return {Visits.ZERO: 0, Visits.ONE: 1}.get(Visits(item.visits), 2)


def bundle_form(
    bundle: Bundle, answers: Mapping[str, Any], enterprise: Enterprise | None
) -> BundleForm:
    items = [e.item for e in applicable_entries(bundle, answers)]
    fields: dict[str, str] = {}
    fields_separately = 0
    materials: dict[str, AskedMaterial] = {}
    materials_separately = 0
    all_materials: list[tuple[ServiceItem, Material]] = []
    for item in items:
        fields_separately += len(item.form_fields)
        for key in item.form_fields:
            fields.setdefault(key, field_label(key))
        for material in item.materials.all():
            all_materials.append((item, material))
            if material.source != MaterialSource.DEPARTMENT:
                materials_separately += 1
    on_file = selectors.materials_on_file(enterprise, [m.kind for _, m in all_materials])
    for item, material in all_materials:
        asked = materials.get(material.key)
        if asked is None:
            asked = materials[material.key] = AskedMaterial(
                key=material.key,
                name=material.name,
                items=[],
                required=material.required,
                on_file=on_file.get(material.kind) if material.kind else None,
                shared_by=material.provider or "部门共享"
                if material.source == MaterialSource.DEPARTMENT
                else "",
            )
        asked.items.append(item.name)
        asked.required = asked.required or material.required
    trips = [_trips(i) for i in items]
    return BundleForm(
        bundle=bundle,
        items=items,
        fields=list(fields.items()),
        materials=list(materials.values()),
        fields_separately=fields_separately,
        materials_separately=materials_separately,
        trips_separately=sum(trips),
        trips_bundle=min(max(trips, default=0), 1),  # one window, one trip at most
        questions=list(bundle.questions),
    )


def submit_bundle(
    bundle: Bundle,
    *,
    actor: Any,
    answers: Mapping[str, Any],
    form_data: Mapping[str, str],
    uploads: Uploads | None = None,
    applicant_name: str = "",
    applicant_phone: str = "",
    now: dt.datetime | None = None,
) -> BundleApplication:
    """One application, split into one matter per applicable item; every matter gets
    the facts and files it needs from the one form."""
    now = now or timezone.now()
    uploads = uploads or {}
    enterprise = selectors.own_enterprise(actor)
    form = bundle_form(bundle, answers, enterprise)
    if not form.items:
        raise ValidationError({"answers": "根据您的回答，本一件事没有需要办理的事项。"})
    missing_fields = [
        label for key, label in form.fields if not str(form_data.get(key, "")).strip()
    ]
    if missing_fields:
        raise ValidationError({"fields": "请填写：" + "、".join(missing_fields) + "。"})
    missing = [m.name for m in form.materials if m.asked and m.required and m.key not in uploads]
    if missing:
        raise ValidationError({"materials": "请上传以下材料：" + "、".join(missing) + "。"})
    clean_answers = {q["key"]: _yes(answers.get(q["key"], "")) for q in bundle.questions}
    data = {
        key: _clean(str(form_data.get(key, "")), key, label, limit=500)
        for key, label in form.fields
    }
    with transaction.atomic():
        application = BundleApplication.objects.create(
            bundle=bundle,
            enterprise=enterprise,
            applicant=actor,
            answers=clean_answers,
            form_data=data,
        )
        for item in form.items:
            _apply(
                item,
                actor=actor,
                channel=MatterChannel.ONLINE,
                enterprise=enterprise,
                applicant=actor,
                applicant_name=applicant_name or data.get("company_name", ""),
                applicant_phone=applicant_phone or data.get("phone", ""),
                form_data=data,
                uploads=uploads,
                bundle_application=application,
                now=now,
            )
        return application


def progress(application: BundleApplication) -> tuple[int, int]:
    """(closed matters, all matters) of a bundle application."""
    from qinqing.catalog.models import FINAL_MATTER

    matters = list(
        Matter.objects.filter(bundle_application=application).values_list("status", flat=True)
    )
    return sum(1 for s in matters if s in FINAL_MATTER), len(matters)
