"""Who sees which project: the permission matrix, pages and API alike."""

import pytest
from django.utils import timezone

from qinqing.core.models import AuditEvent
from qinqing.projects import selectors, services


@pytest.fixture
def project(make_project):  # type: ignore[no-untyped-def]
    return make_project()  # led by district.dept (handler's), owner enterprise A


def test_matrix(
    project, handler, dept_head, other_handler, leader, supervisor, admin_user,  # type: ignore[no-untyped-def]
    enterprise_user_a, enterprise_user_b, intake, policy_officer,
) -> None:  # fmt: skip
    sees = {
        handler: True,  # leads it
        dept_head: True,
        leader: True,
        supervisor: True,
        admin_user: True,
        enterprise_user_a: True,  # its own project
        other_handler: False,  # another department
        enterprise_user_b: False,
        intake: False,
        policy_officer: False,
    }
    for user, expected in sees.items():
        found = selectors.projects_visible_to(user).filter(pk=project.pk).exists()
        assert found is expected, user.username


def test_department_sees_a_project_where_it_owns_an_item_or_handles_a_matter(
    project,
    make_project,
    district,
    handler,
    other_handler,
    items,
    run_matter,  # type: ignore[no-untyped-def]
) -> None:
    services.add_schedule_item(
        project, actor=handler, next_step="出具审查意见", owner_unit=district.other_dept,
        due_on=timezone.localdate(),
    )  # fmt: skip
    assert selectors.projects_visible_to(other_handler).filter(pk=project.pk).exists()
    second = make_project()
    from qinqing.projects.tests.conftest import at

    matter = run_matter(items.planning, at(2026, 2, 1))  # handled by other_dept
    services.link_matter(second, stage="planning", matter=matter, actor=handler)
    assert selectors.projects_visible_to(other_handler).filter(pk=second.pk).exists()
    assert not selectors.may_manage(other_handler, second)


def test_pages_deny_and_audit_outsiders(project, client_for, policy_officer, other_handler) -> None:  # type: ignore[no-untyped-def]
    assert client_for(policy_officer).get("/projects/").status_code == 403
    assert client_for(other_handler).get(f"/projects/{project.pk}/").status_code == 404
    actions = set(
        AuditEvent.objects.filter(kind=AuditEvent.Kind.DENIED).values_list(
            "detail__action", flat=True
        )
    )
    assert {"projects:view_pages", "projects:view_project"} <= actions


def test_enterprise_reads_its_own_project_but_cannot_change_it(
    project,
    client_for,
    enterprise_user_a,
    enterprise_user_b,
    district,  # type: ignore[no-untyped-def]
) -> None:
    own = client_for(enterprise_user_a)
    page = own.get(f"/projects/{project.pk}/")
    assert page.status_code == 200 and project.name in page.content.decode()
    assert "新增调度事项" not in page.content.decode()
    assert own.get("/projects/mine/").status_code == 200
    response = own.post(
        f"/projects/{project.pk}/schedule/new/",
        {"next_step": "x", "owner_unit": district.dept.pk, "due_on": "2026-12-01"},
    )
    assert response.status_code == 403
    assert client_for(enterprise_user_b).get(f"/projects/{project.pk}/").status_code == 404


def test_other_department_cannot_plan_the_schedule(
    project, client_for, other_handler, district, handler
) -> None:  # type: ignore[no-untyped-def]
    services.add_schedule_item(
        project, actor=handler, next_step="出具审查意见", owner_unit=district.other_dept,
        due_on=timezone.localdate(),
    )  # fmt: skip
    client = client_for(other_handler)
    assert client.get(f"/projects/{project.pk}/").status_code == 200  # it owns an item
    response = client.post(
        f"/projects/{project.pk}/schedule/new/",
        {"next_step": "越权", "owner_unit": district.dept.pk, "due_on": "2026-12-01"},
    )
    assert response.status_code == 403
    assert not project.schedule.filter(next_step="越权").exists()
