import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from qinqing.core.models import Notification
from qinqing.tasklist import imports, services
from qinqing.tasklist.models import FindingStatus, TaskStatus


def test_home_shows_the_indicators_with_progress(client_for, supervisor, task, today):
    page = client_for(supervisor).get(f"/tasklist/?year={today.year}")
    text = page.content.decode()
    assert "开办企业" in text
    assert "已完成 0 / 1 项任务" in text
    assert "下达任务" in text


def test_task_page_shows_plan_reports_comments_and_escalations(
    client_for, handler, leader, task, today
):
    services.report_progress(task, actor=handler, text="完成系统联调", achieved_value="0.8")
    services.add_comment(
        actor=leader, task=task, year=today.year, month=today.month, text="注意进度"
    )
    services.sweep_overdue_tasks(now=task.due_at)
    text = client_for(leader).get(f"/tasklist/tasks/{task.pk}/").content.decode()
    assert "全面推行" in text  # the plan
    assert "完成系统联调" in text
    assert "注意进度" in text
    assert "提醒" in text  # the ladder's first step
    assert "剩余" in text or "今日到期" in text
    assert f"{task.due_on.year}年{task.due_on.month}月{task.due_on.day}日" in text


def test_unit_reports_completion_from_the_form(client_for, handler, task):
    response = client_for(handler).post(
        f"/tasklist/tasks/{task.pk}/report/",
        {"text": "已全面推行", "achieved_value": "0.5", "complete": "on",
         "files": [SimpleUploadedFile("验收.pdf", b"%PDF-1.4 ok")]},
    )  # fmt: skip
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_report_form_shows_errors_in_chinese(client_for, handler, task):
    response = client_for(handler).post(
        f"/tasklist/tasks/{task.pk}/report/", {"text": "进展", "achieved_value": "很多"}
    )
    assert response.status_code == 200
    assert "完成数值应为数字" in response.content.decode()


def test_leader_comments_from_the_task_page(client_for, leader, handler, task, today):
    response = client_for(leader).post(
        f"/tasklist/tasks/{task.pk}/comment/", {"month": today.month, "text": "本月讲评：进度滞后"}
    )
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=handler, kind="tasklist.comment").exists()


def test_import_page_lists_row_errors(client_for, supervisor, district, today):
    workbook = Workbook()
    workbook.active.append(imports.HEADER)
    workbook.active.append(
        ["开办企业", "经信局", "任务", "", "无此单位", "", f"{today.year}-12-01", 1, "项"]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("tasks.xlsx", buffer.getvalue())
    response = client_for(supervisor).post(
        "/tasklist/import/", {"year": today.year, "file": upload}
    )
    text = response.content.decode()
    assert "第 2 行：E 列「牵头单位」“无此单位”：找不到该单位" in text
    assert "未导入任何数据" in text


def test_import_template_downloads(client_for, supervisor, today):
    response = client_for(supervisor).get(f"/tasklist/import/template/?year={today.year}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_monthly_report_page_and_print_view(client_for, leader, handler, task, today):
    services.report_progress(task, actor=handler, text="本月推进情况良好", achieved_value="0.6")
    page = client_for(leader).get(
        f"/tasklist/monthly/?year={today.year}&month={today.month}&format=print"
    )
    text = page.content.decode()
    assert "本月推进情况良好" in text
    assert "window.print" in text
    css = Path(__file__).parents[1] / "static" / "tasklist" / "tasklist.css"
    assert "@media print" in css.read_text()


def test_finding_case_page_flow(client_for, supervisor, handler, district, today):
    finding = services.record_finding(
        actor=supervisor, source="inspection", organisation=district.dept, title="办事指南未更新",
        found_on=today,
    )  # fmt: skip
    unit = client_for(handler)
    assert "剩余" in unit.get(f"/tasklist/findings/{finding.pk}/").content.decode()
    unit.post(f"/tasklist/findings/{finding.pk}/submit/", {"text": "已更新全部办事指南"})
    office = client_for(supervisor)
    office.post(f"/tasklist/findings/{finding.pk}/return/", {"note": ""})  # refused: no reason
    finding.refresh_from_db()
    assert finding.status == FindingStatus.SUBMITTED
    office.post(f"/tasklist/findings/{finding.pk}/accept/", {"note": "核实无误"})
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ACCEPTED


def test_office_creates_a_task_from_the_form(client_for, supervisor, indicator, district, today):
    response = client_for(supervisor).post(
        f"/tasklist/tasks/new/?year={today.year}",
        {"indicator": indicator.pk, "title": "开办一网通办", "lead_unit": district.dept.pk,
         "units": [district.other_dept.pk], "due_on": f"{today.year}-12-31", "target_value": "100",
         "target_unit": "%", "cycle": "weekly", "plan": f"{today.month}|全面上线|100"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]


def test_home_card_for_the_department(client_for, handler, task):
    text = client_for(handler).get("/").content.decode()
    assert "营商环境任务" in text


def test_office_sets_up_the_years_indicators(
    client_for, supervisor, handler, district, indicator, today
):
    from qinqing.tasklist.models import Indicator

    client = client_for(supervisor)
    page = client.get(f"/tasklist/indicators/setup/?year={today.year}")
    assert page.status_code == 200 and "已设置" in page.content.decode()  # 开办企业 exists
    response = client.post(
        f"/tasklist/indicators/setup/?year={today.year}",
        {
            "lead-1": district.dept.pk,
            "lead-7": district.other_dept.pk,
            "lead-0": district.other_dept.pk,
        },
    )
    assert response.status_code == 302
    names = dict(Indicator.objects.filter(year=today.year).values_list("name", "lead_department"))
    assert names == {
        "开办企业": district.dept.pk,
        "办理建筑许可": district.dept.pk,
        "纳税": district.other_dept.pk,
    }
    assert Indicator.objects.get(name="纳税").number == 8
    assert (
        client_for(handler).get(f"/tasklist/indicators/setup/?year={today.year}").status_code == 403
    )
