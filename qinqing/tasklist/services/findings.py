"""Inspection findings (专项巡察 / 暗访 / 督查) and their rectification: the office records
a problem against a unit with a working-day clock; the unit submits what it changed; the
inspector accepts or returns it (a returned case is submitted again on the same clock)."""

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from qinqing.accounts.models import Organisation
from qinqing.core.notify import notify
from qinqing.tasklist import events, selectors
from qinqing.tasklist.models import (
    Finding,
    FindingSource,
    FindingStatus,
    Indicator,
    Submission,
)
from qinqing.tasklist.services.common import clean_text, require, unit_staff
from qinqing.tasklist.transitions import check_finding
from qinqing.workdays.services import deadline_after

DEFAULT_LIMIT_DAYS = 10
MAX_LIMIT_DAYS = 120
OPEN_STATES = (FindingStatus.OPEN, FindingStatus.RETURNED)


def finding_url(finding: Finding) -> str:
    return reverse("tasklist:finding", args=[finding.pk])


def record_finding(
    *,
    actor: Any,
    source: str,
    organisation: Organisation,
    title: str,
    found_on: dt.date,
    detail: str = "",
    limit_days: int = DEFAULT_LIMIT_DAYS,
    indicator: Indicator | None = None,
) -> Finding:
    require(selectors.manages(actor), actor, "finding_record")
    if source not in FindingSource.values:
        raise ValidationError({"source": "问题来源应为专项巡察、暗访或督查。"})
    title = clean_text(title, "title", "问题", max_length=200)
    detail = clean_text(detail, "detail", "问题详情", max_length=5000, required=False)
    if found_on > timezone.localdate():
        raise ValidationError({"found_on": "发现日期不能晚于今天。"})
    if not 1 <= int(limit_days) <= MAX_LIMIT_DAYS:
        raise ValidationError({"limit_days": f"整改时限应为 1 到 {MAX_LIMIT_DAYS} 个工作日。"})
    now = timezone.now()
    with transaction.atomic():
        finding = Finding.objects.create(
            number=secrets.token_hex(8),
            source=source,
            organisation=organisation,
            title=title,
            detail=detail,
            found_on=found_on,
            limit_days=limit_days,
            due_at=deadline_after(now, int(limit_days)),
            inspector=actor,
            indicator=indicator,
        )
        finding.number = f"DC{found_on.year}-{finding.pk:04d}"
        finding.save(update_fields=["number"])
        events.finding_recorded(finding, actor=actor)
        notify(
            unit_staff([organisation]),
            kind="tasklist.finding",
            title=f"{finding.get_source_display()}发现问题，请限期整改：{title}",
            body=f"请在 {timezone.localtime(finding.due_at):%Y年%m月%d日} 前报送整改情况。",
            url=finding_url(finding),
            dedupe_key=f"tasklist-finding:{finding.pk}",
        )
    return finding


def _locked(finding: Finding) -> Finding:
    return Finding.objects.select_for_update().select_related("organisation").get(pk=finding.pk)


def submit_rectification(finding: Finding, *, actor: Any, text: str) -> Submission:
    """The unit says what it changed; the inspector is told."""
    require(selectors.is_finding_unit(actor, finding), actor, "rectify", finding=finding.pk)
    text = clean_text(text, "text", "整改情况", max_length=5000)
    with transaction.atomic():
        finding = _locked(finding)
        before = finding.status
        finding.status = check_finding("submit", before)
        finding.save(update_fields=["status", "updated_at"])
        submission = Submission.objects.create(finding=finding, text=text, submitted_by=actor)
        events.finding_moved(finding, "finding_submitted", actor=actor, before=before, note=text)
        notify(
            [finding.inspector],
            kind="tasklist.rectified",
            title=f"{finding.organisation}已报送整改情况：{finding.title}",
            url=finding_url(finding),
            dedupe_key=f"tasklist-submission:{submission.pk}",
        )
    return submission


def review_rectification(finding: Finding, *, actor: Any, accept: bool, note: str = "") -> Finding:
    """The inspector (or the office) accepts the rectification or returns it."""
    require(selectors.manages(actor), actor, "rectify_review", finding=finding.pk)
    note = clean_text(note, "note", "退回理由", max_length=2000, required=not accept)
    with transaction.atomic():
        finding = _locked(finding)
        before = finding.status
        finding.status = check_finding("accept" if accept else "return", before)
        submission = finding.submissions.select_for_update().filter(decision="pending").last()
        if submission is None:
            raise ValidationError({"status": "没有待验收的整改报告。"})
        now = timezone.now()
        submission.decision = "accepted" if accept else "returned"
        submission.review_note = note
        submission.reviewed_by = actor
        submission.reviewed_at = now
        submission.save(update_fields=["decision", "review_note", "reviewed_by", "reviewed_at"])
        fields = ["status", "updated_at"]
        if accept:
            finding.rectified_at = submission.created_at
            fields.append("rectified_at")
        finding.save(update_fields=fields)
        kind = "finding_accepted" if accept else "finding_returned"
        events.finding_moved(finding, kind, actor=actor, before=before, note=note)
        notify(
            unit_staff([finding.organisation]),
            kind=f"tasklist.{'accepted' if accept else 'returned'}",
            title=f"整改{'已验收通过' if accept else '被退回，请重新整改'}：{finding.title}",
            body=note[:200],
            url=finding_url(finding),
            dedupe_key=f"tasklist-review:{submission.pk}",
        )
    return finding


def sweep_overdue_findings(now: dt.datetime | None = None) -> int:
    """Tell the unit and the inspector, once, when a finding's clock runs out."""
    now = now or timezone.now()
    sent = 0
    overdue = Finding.objects.filter(
        status__in=OPEN_STATES, due_at__lt=now, overdue_notified_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(overdue):
        with transaction.atomic():
            claimed = Finding.objects.filter(pk=pk, overdue_notified_at__isnull=True).update(
                overdue_notified_at=now
            )
            if not claimed:
                continue
            finding = Finding.objects.select_related("organisation", "inspector").get(pk=pk)
            events.finding_overdue(finding)
            notify(
                [*unit_staff([finding.organisation]), finding.inspector],
                kind="tasklist.finding_overdue",
                title=f"整改已超期：{finding.organisation} · {finding.title}",
                url=finding_url(finding),
                dedupe_key=f"tasklist-finding-overdue:{finding.pk}",
            )
            sent += 1
    return sent
