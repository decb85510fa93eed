"""Who sees what: the department its own tasks and findings, the leader and the office
everything, everyone else nothing (and the denial is in the audit log)."""

import pytest

from qinqing.core.models import AuditEvent
from qinqing.tasklist import services


@pytest.fixture
def finding(supervisor, district, today):
    return services.record_finding(
        actor=supervisor, source="supervision", organisation=district.dept, title="材料要求过多",
        found_on=today,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("who", "own", "other", "find"),
    [
        ("supervisor", 200, 200, 200),
        ("leader", 200, 200, 200),
        ("handler", 200, 404, 200),
        ("dept_head", 200, 404, 200),
        ("other_handler", 404, 200, 404),
    ],
)
def test_task_and_finding_pages(
    request, client_for, task, other_task, finding, who, own, other, find
):
    client = client_for(request.getfixturevalue(who))
    assert client.get(f"/tasklist/tasks/{task.pk}/").status_code == own
    assert client.get(f"/tasklist/tasks/{other_task.pk}/").status_code == other
    assert client.get(f"/tasklist/findings/{finding.pk}/").status_code == find


@pytest.mark.parametrize("who", ["intake", "policy_officer", "enterprise_user_a"])
def test_outsiders_are_denied_and_audited(request, client_for, task, who):
    user = request.getfixturevalue(who)
    client = client_for(user)
    for url in [
        "/tasklist/",
        "/tasklist/tasks/",
        f"/tasklist/tasks/{task.pk}/",
        "/tasklist/findings/",
        "/tasklist/monthly/",
    ]:
        assert client.get(url).status_code == 403, url
    assert AuditEvent.objects.filter(kind="denied", user=user).count() >= 5


def test_lists_are_scoped_to_the_department(client_for, handler, other_handler, task, other_task):
    mine = client_for(handler).get("/tasklist/tasks/").context["page"].object_list
    assert [t.pk for t in mine] == [task.pk]
    theirs = client_for(other_handler).get("/tasklist/mine/").context["page"].object_list
    assert [t.pk for t in theirs] == [other_task.pk]


def test_the_indicators_lead_department_follows_but_does_not_report(
    client_for, dept_head, supervisor, indicator, district, today
):
    from qinqing.tasklist.tests.conftest import make_task

    theirs = make_task(indicator, supervisor, district, today, lead_unit=district.other_dept)
    client = client_for(dept_head)
    assert client.get(f"/tasklist/tasks/{theirs.pk}/").status_code == 200
    assert client.get(f"/tasklist/tasks/{theirs.pk}/report/").status_code == 403


def test_only_the_office_manages(client_for, handler, leader, supervisor):
    for user, status in ((handler, 403), (leader, 403), (supervisor, 200)):
        client = client_for(user)
        assert client.get("/tasklist/tasks/new/").status_code == status
        assert client.get("/tasklist/import/").status_code == status
        assert client.get("/tasklist/findings/new/").status_code == status


def test_report_form_is_for_responsible_units(client_for, task, supervisor, leader, handler):
    assert client_for(supervisor).get(f"/tasklist/tasks/{task.pk}/report/").status_code == 403
    assert client_for(leader).get(f"/tasklist/tasks/{task.pk}/report/").status_code == 403
    assert client_for(handler).get(f"/tasklist/tasks/{task.pk}/report/").status_code == 200


def test_evidence_files_follow_the_task(client_for, task, handler, other_handler, leader):
    from django.core.files.uploadedfile import SimpleUploadedFile

    report = services.report_progress(
        task, actor=handler, text="进展", files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")]
    )
    token = report.evidence.get().token
    assert client_for(leader).get(f"/tasklist/evidence/{token}/").status_code == 200
    assert client_for(other_handler).get(f"/tasklist/evidence/{token}/").status_code == 404
