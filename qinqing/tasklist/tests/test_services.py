import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from qinqing.core.models import AuditEvent, Notification
from qinqing.tasklist import services
from qinqing.tasklist.models import PlanStep, TasklistEvent, TaskStatus

PDF = b"%PDF-1.4 evidence"


def pdf(name: str = "方案.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_assigning_a_task_tells_the_responsible_units(handler, dept_head, other_handler, task):
    titles = set(
        Notification.objects.filter(kind="tasklist.assigned").values_list(
            "recipient__username", flat=True
        )
    )
    assert titles == {"handler", "head"}
    assert TasklistEvent.objects.filter(subject=f"task:{task.pk}", kind="task_assigned").exists()
    assert PlanStep.objects.filter(task=task).count() == 1


@pytest.mark.parametrize("value", ["abc", "NaN", "Infinity", "-1", "1e400", "9999999999999"])
def test_target_must_be_a_sensible_number(indicator, supervisor, district, today, value):
    with pytest.raises(ValidationError) as exc:
        services.create_task(
            indicator, actor=supervisor, title="任务", lead_unit=district.dept,
            due_on=today, target_value=value, target_unit="项",
        )  # fmt: skip
    assert "目标值" in str(exc.value)


def test_a_department_cannot_put_tasks_on_the_list(indicator, handler, district, today):
    with pytest.raises(PermissionDenied):
        services.create_task(
            indicator, actor=handler, title="任务", lead_unit=district.dept,
            due_on=today, target_value="1", target_unit="项",
        )  # fmt: skip
    assert AuditEvent.objects.filter(kind="denied", user=handler).exists()


def test_control_characters_are_dropped_from_titles(indicator, supervisor, district, today):
    task = services.create_task(
        indicator, actor=supervisor, title="压缩\x00时限\x07", lead_unit=district.dept,
        due_on=today, target_value="1", target_unit="项",
    )  # fmt: skip
    assert task.title == "压缩时限"


def test_responsible_unit_reports_progress_with_a_figure(task, handler):
    report = services.report_progress(
        task, actor=handler, text="已完成方案起草", achieved_value="0.8"
    )
    task.refresh_from_db()
    assert task.achieved_value == Decimal("0.80")
    assert report.unit_id == task.lead_unit_id
    assert task.status == TaskStatus.ACTIVE


def test_other_department_may_not_report(task, other_handler):
    with pytest.raises(PermissionDenied):
        services.report_progress(task, actor=other_handler, text="越权报送")


def test_a_co_responsible_unit_may_report(indicator, supervisor, district, other_handler, today):
    from qinqing.tasklist.tests.conftest import make_task

    task = make_task(indicator, supervisor, district, today, units=[district.other_dept])
    report = services.report_progress(task, actor=other_handler, text="配合完成数据共享")
    assert report.unit_id == district.other_dept.pk


def test_completion_needs_evidence(task, handler):
    with pytest.raises(ValidationError) as exc:
        services.report_progress(
            task, actor=handler, text="完成", achieved_value="0.5", complete=True
        )
    assert "佐证材料" in str(exc.value)


def test_completion_with_evidence_closes_the_task_on_time(task, handler, settings):
    services.report_progress(
        task, actor=handler, text="已全面推行", achieved_value="0.5", files=[pdf()], complete=True
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.completed_on_time
    evidence = task.reports.get().evidence.get()
    assert str(settings.MEDIA_ROOT) in evidence.file.path  # outside the web root
    with pytest.raises(ValidationError):
        services.report_progress(task, actor=handler, text="再次报送")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("run.exe", b"MZ", "类型不允许"),
        ("fake.pdf", b"not a pdf", "内容与扩展名不符"),
        ("empty.pdf", b"", "是空的"),
    ],
)
def test_evidence_files_are_checked(task, handler, name, content, message):
    with pytest.raises(ValidationError) as exc:
        services.report_progress(
            task, actor=handler, text="进展", files=[SimpleUploadedFile(name, content)]
        )
    assert message in str(exc.value)


def test_oversized_evidence_is_refused(task, handler):
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError, match="超过 10 MB"):
        services.report_progress(task, actor=handler, text="进展", files=[big])


def test_leader_comments_and_units_are_told(task, leader, handler, today):
    comment = services.add_comment(
        actor=leader, task=task, year=today.year, month=today.month, text="进度偏慢，月底前完成"
    )
    assert comment.indicator_id == task.indicator_id
    assert Notification.objects.filter(recipient=handler, kind="tasklist.comment").exists()


def test_handler_may_not_comment(task, handler, today):
    with pytest.raises(PermissionDenied):
        services.add_comment(
            actor=handler, task=task, year=today.year, month=today.month, text="自评"
        )


def test_cancel_needs_a_reason_and_the_office(task, supervisor, handler):
    with pytest.raises(PermissionDenied):
        services.cancel_task(task, actor=handler, note="不做了")
    with pytest.raises(ValidationError):
        services.cancel_task(task, actor=supervisor, note="")
    services.cancel_task(task, actor=supervisor, note="并入其他任务")
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED


def test_plan_months_are_checked(indicator, supervisor, district, today):
    with pytest.raises(ValidationError, match="月份"):
        services.create_task(
            indicator, actor=supervisor, title="任务", lead_unit=district.dept, due_on=today,
            target_value="1", target_unit="项", plan=[services.PlanLine(13, "x")],
        )  # fmt: skip


def test_due_date_must_be_in_the_indicator_year(indicator, supervisor, district, today):
    with pytest.raises(ValidationError, match="完成时限"):
        services.create_task(
            indicator, actor=supervisor, title="任务", lead_unit=district.dept,
            due_on=today.replace(year=today.year + 1), target_value="1", target_unit="项",
        )  # fmt: skip


def test_report_period_is_the_week_or_month(task, handler):
    report = services.report_progress(task, actor=handler, text="进展")
    assert report.period_start.day == 1
    assert isinstance(report.period_start, dt.date)
