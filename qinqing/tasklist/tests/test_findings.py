import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qinqing.core.models import Notification
from qinqing.tasklist import services
from qinqing.tasklist.models import FindingStatus


@pytest.fixture
def finding(supervisor, district, handler, dept_head, today):
    return services.record_finding(
        actor=supervisor, source="unannounced", organisation=district.dept,
        title="窗口人员脱岗", found_on=today, limit_days=5,
    )  # fmt: skip


def test_recording_a_finding_starts_a_working_day_clock(finding, handler):
    assert finding.number.startswith("DC")
    assert finding.due_at > finding.created_at
    assert Notification.objects.filter(recipient=handler, kind="tasklist.finding").exists()


def test_only_the_office_records_findings(handler, district, today):
    with pytest.raises(PermissionDenied):
        services.record_finding(
            actor=handler, source="inspection", organisation=district.other_dept,
            title="x", found_on=today,
        )  # fmt: skip


def test_future_dates_and_silly_limits_are_refused(supervisor, district, today):
    with pytest.raises(ValidationError, match="发现日期"):
        services.record_finding(
            actor=supervisor, source="inspection", organisation=district.dept, title="x",
            found_on=today + dt.timedelta(days=1),
        )  # fmt: skip
    with pytest.raises(ValidationError, match="整改时限"):
        services.record_finding(
            actor=supervisor, source="inspection", organisation=district.dept, title="x",
            found_on=today, limit_days=999,
        )  # fmt: skip


def test_unit_submits_inspector_returns_then_accepts(finding, handler, supervisor):
    services.submit_rectification(finding, actor=handler, text="已调整排班，设立 AB 岗")
    assert Notification.objects.filter(recipient=supervisor, kind="tasklist.rectified").exists()
    with pytest.raises(ValidationError, match="退回理由"):
        services.review_rectification(finding, actor=supervisor, accept=False)
    services.review_rectification(finding, actor=supervisor, accept=False, note="缺少制度文件")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RETURNED
    services.submit_rectification(finding, actor=handler, text="补充 AB 岗制度文件")
    finding = services.review_rectification(finding, actor=supervisor, accept=True)
    assert finding.status == FindingStatus.ACCEPTED
    assert finding.rectified_on_time
    assert finding.rectified_at == finding.submissions.last().created_at


def test_other_unit_cannot_submit_and_unit_cannot_review(finding, other_handler, handler):
    with pytest.raises(PermissionDenied):
        services.submit_rectification(finding, actor=other_handler, text="越权")
    services.submit_rectification(finding, actor=handler, text="已整改")
    with pytest.raises(PermissionDenied):
        services.review_rectification(finding, actor=handler, accept=True)


def test_accepting_twice_is_refused(finding, handler, supervisor):
    services.submit_rectification(finding, actor=handler, text="已整改")
    services.review_rectification(finding, actor=supervisor, accept=True)
    with pytest.raises(ValidationError, match="不能验收通过"):
        services.review_rectification(finding, actor=supervisor, accept=True)


def test_overdue_findings_are_announced_once(finding, handler, supervisor):
    late = finding.due_at + dt.timedelta(hours=1)
    assert services.sweep_overdue_findings(now=late) == 1
    assert services.sweep_overdue_findings(now=late) == 0
    assert set(
        Notification.objects.filter(kind="tasklist.finding_overdue").values_list(
            "recipient__username", flat=True
        )
    ) == {"handler", "head", "supervisor"}
