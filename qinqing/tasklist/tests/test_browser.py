# ruff: noqa: F811  (pytest fixtures imported from ratings.tests.browser)
"""The report form on a 390 px phone and the leader's monthly report, in real Chromium."""

import pytest

from qinqing.ratings.tests.browser import (  # noqa: F401
    chromium,
    logged_in_context,
    needs_chromium,
    screenshot_dir,
    server,
)
from qinqing.tasklist.models import TaskStatus

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def test_department_reports_completion_on_a_phone(server, chromium, handler, task, tmp_path):
    evidence = tmp_path / "验收报告.pdf"
    evidence.write_bytes(b"%PDF-1.4 acceptance")
    page = logged_in_context(chromium, server, handler, viewport=PHONE).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server.url}/tasklist/tasks/{task.pk}/report/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("本期进展").fill("已全面推行，企业开办平均 0.5 个工作日")
    page.get_by_label("累计完成数值").fill("0.5")
    page.locator("input[type=file]").set_input_files(str(evidence))
    page.get_by_label("任务已完成（报送完成）").check()
    page.screenshot(path=str(screenshot_dir() / "tasklist-report-390.png"), full_page=True)
    page.get_by_role("button", name="提交报送").click()
    page.wait_for_url(f"**/tasklist/tasks/{task.pk}/")
    assert "按期完成" in page.content()
    assert errors == []
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_leader_reads_the_monthly_report(server, chromium, leader, handler, task, today):
    from qinqing.tasklist import services

    services.report_progress(task, actor=handler, text="系统联调完成", achieved_value="0.8")
    page = logged_in_context(
        chromium, server, leader, viewport={"width": 1280, "height": 900}
    ).new_page()
    page.goto(f"{server.url}/tasklist/monthly/?year={today.year}&month={today.month}")
    assert "系统联调完成" in page.content()
    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible()
    page.screenshot(path=str(screenshot_dir() / "tasklist-monthly-print.png"))
