"""Writes of the assessment: manual entries with evidence, each with a timeline row."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from qinqing.accounts.models import Organisation
from qinqing.assessment.models import AssessmentEvent, Indicator, IndicatorKind, ManualEntry

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx"}


def record_manual_entry(
    indicator: Indicator,
    *,
    actor: Any,
    department: Organisation,
    period: dt.date,
    points: Any,
    notes: str,
    evidence: UploadedFile | None = None,
) -> ManualEntry:
    """Enter (or correct) a department's points for a manual indicator and month."""
    if indicator.kind != IndicatorKind.MANUAL:
        raise ValidationError(
            {"indicator": f"指标“{indicator.name}”由平台数据计算，不能手工录入。"}
        )
    try:
        value = Decimal(str(points)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"points": "分值必须是数字。"}) from exc
    if not indicator.min_points <= value <= indicator.max_points:
        raise ValidationError(
            {
                "points": f"“{indicator.name}”的分值应在 {indicator.min_points} 到 {indicator.max_points} 之间。"
            }
        )
    if not notes.strip():
        raise ValidationError({"notes": "请填写评分依据。"})
    if evidence is not None:
        name = evidence.name or ""
        suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if suffix not in EVIDENCE_SUFFIXES or (evidence.size or 0) > MAX_EVIDENCE_BYTES:
            raise ValidationError(
                {"evidence": "佐证材料须为 PDF、图片、Word 或 Excel 文件，且不超过 10MB。"}
            )
    month = period.replace(day=1)
    with transaction.atomic():
        entry = (
            ManualEntry.objects.select_for_update()
            .filter(indicator=indicator, department=department, period=month)
            .first()
        )
        before = str(entry.points) if entry else ""
        if entry is None:
            try:
                with transaction.atomic():
                    entry = ManualEntry.objects.create(
                        indicator=indicator,
                        department=department,
                        period=month,
                        points=value,
                        notes=notes.strip(),
                        entered_by=actor,
                    )
            except IntegrityError:  # a concurrent first entry: lock it and update instead
                entry = ManualEntry.objects.select_for_update().get(
                    indicator=indicator, department=department, period=month
                )
                before = str(entry.points)
        if before:
            entry.points = value
            entry.notes = notes.strip()
            entry.entered_by = actor
            entry.save(update_fields=["points", "notes", "entered_by", "updated_at"])
        if evidence is not None:
            entry.evidence.save(evidence.name or "evidence", evidence, save=False)
            entry.save(update_fields=["evidence", "updated_at"])
        AssessmentEvent.objects.create(
            entry=entry,
            actor=actor,
            kind="entered" if not before else "corrected",
            from_state=before,
            to_state=str(value),
            note=entry.notes,
        )
    return entry
