import datetime as dt

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qinqing.core.figures import computed_figure
from qinqing.tasklist import services
from qinqing.tasklist.tests.conftest import make_task
from qinqing.workdays.calendar import CHINA


def evidence() -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile("a.pdf", b"%PDF-1.4")]


def test_on_time_rate_counts_tasks_due_in_the_period(
    indicator, supervisor, district, handler, other_handler, client_for, today
):
    year = today.year
    on_time = make_task(indicator, supervisor, district, dt.date(year, 3, 10), title="按期")
    late = make_task(
        indicator,
        supervisor,
        district,
        dt.date(year, 3, 12),
        title="超期",
        units=[district.other_dept],
    )
    make_task(indicator, supervisor, district, dt.date(year, 3, 20), title="未完成")
    make_task(indicator, supervisor, district, dt.date(year, 5, 20), title="期外")
    with time_machine.travel(dt.datetime(year, 3, 9, 10, tzinfo=CHINA), tick=False):
        services.report_progress(
            on_time, actor=handler, text="完成", achieved_value="1", files=evidence(), complete=True
        )
    with time_machine.travel(dt.datetime(year, 3, 16, 10, tzinfo=CHINA), tick=False):
        services.report_progress(
            late,
            actor=other_handler,
            text="完成",
            achieved_value="1",
            files=evidence(),
            complete=True,
        )
    start, end = dt.datetime(year, 3, 1, tzinfo=CHINA), dt.datetime(year, 4, 1, tzinfo=CHINA)
    fig = computed_figure("task_on_time_rate")
    assert fig is not None and fig.drill is not None
    values = fig.compute([district.dept.pk, district.other_dept.pk], start, end)
    assert values == {district.dept.pk: round(1 / 3, 4), district.other_dept.pk: 0.0}
    page = client_for(supervisor).get(fig.drill(district.dept.pk, start, end))
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 3


def test_rectified_on_time_rate(supervisor, district, handler, client_for, today):
    first = services.record_finding(
        actor=supervisor,
        source="inspection",
        organisation=district.dept,
        title="一",
        found_on=today,
    )
    services.record_finding(
        actor=supervisor,
        source="inspection",
        organisation=district.dept,
        title="二",
        found_on=today,
    )
    services.submit_rectification(first, actor=handler, text="已整改")
    services.review_rectification(first, actor=supervisor, accept=True)
    fig = computed_figure("finding_rectified_on_time_rate")
    assert fig is not None and fig.drill is not None
    start = dt.datetime.combine(today, dt.time(0), tzinfo=CHINA)
    end = start + dt.timedelta(days=60)
    assert fig.compute([district.dept.pk], start, end) == {district.dept.pk: 0.5}
    page = client_for(supervisor).get(fig.drill(district.dept.pk, start, end))
    assert page.context["page"].paginator.count == 2


def test_cockpit_summary_counts_this_years_list(task, other_task, supervisor, district, today):
    from qinqing.tasklist.figures import cockpit_summary

    services.record_finding(
        actor=supervisor,
        source="inspection",
        organisation=district.dept,
        title="一",
        found_on=today,
    )
    assert cockpit_summary(today.year) == {"tasks": 2, "done": 0, "overdue": 0, "findings_open": 1}


def test_leader_sees_the_task_list_on_the_cockpit(client_for, leader, task):
    text = client_for(leader).get(reverse("analytics:cockpit")).content.decode()
    assert "营商环境任务完成" in text
